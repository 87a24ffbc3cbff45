// The thrown object's message getter makes host calls while the error is
// being reported (after the handler body ended): its state write and event
// are dropped with the rest of the failed execution's effects; its log is
// kept like any log of a failed execution.
// expect: EXECUTION_ERROR
// caps: state:write:* events:emit:*
// message: from getter
// result: {"stateMutations":[],"events":[],"logs":[{"message":"getter ran"}]}
throw {
  get message() {
    $state.late = 1;
    $emit('late', 1);
    console.log('getter ran');
    return 'from getter';
  },
};
