// More view commands than max_view_commands.
// expect: RESOURCE_LIMIT max_view_commands=20
// caps: view:update:*
// message: more than 20 view commands
for (let i = 0; i < 21; i++) $view.focus('c' + i);
