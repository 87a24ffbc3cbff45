/* slots.c - admission: at most maxInstances executions of a runtime in
 * progress at once, counted where they run. An execution is in progress
 * from the moment an executor starts it until it ends or is handed to the
 * caller; suspended while its JavaScript-served calls run, it keeps its
 * sandbox, and without a bound a burst of such executions would take every
 * sandbox and leave the executors blocked waiting for one while the resumes
 * that free them queue behind.
 *
 * Why here and not in JavaScript (as before): every call is handed to the
 * executors' queue at once, and an executor starts a fresh execution only
 * while its runtime has a slot free, parking it on the runtime otherwise.
 * A JavaScript queue in front held a burst back 64 at a time, so the
 * executors ran dry between refills, slept and had to be woken; a burst of
 * 2,000 executions went ~10% slower for it.
 *
 * A fresh execution (an execute, an import, a resume that takes an
 * execution from the store) takes a slot when it starts. When its call
 * completes, the slot is given back, unless the execution is suspended:
 * then the slot stays with the execution and the JS side gives it back
 * (releaseSlot, or a cancel or resume marked to release it) when the
 * execution ends or is handed to the caller. A parked execution goes back
 * to the end of the queue when a slot frees, after what released it.
 *
 * Everything here runs under the queue's lock (queue.c). */
#include "addon.h"

bool nxa_slots_admit_locked(nxa_work_t *w)
{
    nxa_slot_t *s = nxa_work_slot(w);
    if (!s->needs || s->held)
        return true;
    nxa_runtime_t *o = nxa_work_runtime(w);
    if (o->slots_used < o->slots_limit) {
        o->slots_used++;
        s->held = true;
        return true;
    }
    *nxa_work_link(w) = NULL;
    if (o->parked_tail)
        *nxa_work_link(o->parked_tail) = w;
    else
        o->parked_head = w;
    o->parked_tail = w;
    return false;
}

nxa_work_t *nxa_slots_release_locked(nxa_runtime_t *o)
{
    if (o->slots_used > 0)
        o->slots_used--;
    nxa_work_t *w = o->parked_head;
    if (!w)
        return NULL;
    o->parked_head = *nxa_work_link(w);
    if (!o->parked_head)
        o->parked_tail = NULL;
    *nxa_work_link(w) = NULL;
    return w;
}

nxa_work_t *nxa_slots_settle_locked(nxa_work_t *w)
{
    nxa_slot_t *s = nxa_work_slot(w);
    if (!s->held && !s->release)
        return NULL;
    if (nxa_work_suspended(w)) {
        s->kept = true; /* the execution goes on holding it */
        return NULL;
    }
    s->held = false;
    return nxa_slots_release_locked(nxa_work_runtime(w));
}

nxa_work_t *nxa_slots_take_parked_locked(nxa_runtime_t *o)
{
    nxa_work_t *list = o->parked_head;
    o->parked_head = o->parked_tail = NULL;
    return list;
}
