// A handler claiming MEMORY_LIMIT.
// expect: EXECUTION_ERROR
throw { code: 'MEMORY_LIMIT', message: 'fake' };
