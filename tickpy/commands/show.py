"""`tickpy show NAME`: a task's fields, script and pipeline graph, in Kapacitor's layout
(cmd/kapacitor/main.go doShow):

    ID: cpu_alert
    Error:
    Template:
    Type: stream
    Status: enabled
    Executing: true
    Created: 23 Nov 26 08:07 UTC
    Modified: 23 Nov 26 08:07 UTC
    LastEnabled: 23 Nov 26 08:08 UTC
    Databases Retention Policies: ["telegraf"."autogen"]
    TICKscript:
    <the script, formatted as tickfmt does, as Kapacitor returns it>
    DOT:
    digraph cpu_alert {
    stream0 -> from1;
    from1 -> alert2;
    }

Times are UTC. A `Vars:` table (Name, Type, Value) comes before DOT when the task has vars.
"""

from tickpy.commands.common import EXIT_OK, add_home_argument, go_dbrps, open_store_for, reports_errors, rfc822_utc

VAR_ROW = "{:<30}{:<10}{:<40}"


def add_arguments(parser):
    parser.add_argument("name", metavar="NAME")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    from tickpy.dot import task_dot
    from tickpy.lang.errors import TickError
    from tickpy.lang.fmt import format_program
    from tickpy.lang.parser import parse

    task = open_store_for(args).task(args.name)
    program = parse(task.script, f"task {task.id}")
    try:
        script = format_program(program)
    except TickError:
        script = task.script  # Kapacitor shows the script as stored when it cannot format it
    executing = task.status == "enabled" and not task.error
    print("ID:", task.id)
    print("Error:", task.error)
    print("Template:", "")
    print("Type:", task.type)
    print("Status:", task.status)
    print("Executing:", "true" if executing else "false")
    print("Created:", rfc822_utc(task.created))
    print("Modified:", rfc822_utc(task.modified))
    print("LastEnabled:", rfc822_utc(task.last_enabled))
    print("Databases Retention Policies:", go_dbrps(task.dbrps))
    print(f"TICKscript:\n{script}")
    if task.vars:
        print("Vars:")
        print(VAR_ROW.format("Name", "Type", "Value"))
        for name in sorted(task.vars):
            spec = task.vars[name] if isinstance(task.vars[name], dict) else {"value": task.vars[name]}
            print(VAR_ROW.format(name, str(spec.get("type", "")), _var_value(spec)))
    print(f"DOT:\n{task_dot(program, task.id)}")
    return EXIT_OK


def _var_value(spec: dict) -> str:
    """A var's value as Kapacitor prints it (`%v`; a list as `[a, b]`)."""
    from tickpy.lang.errors import TickError
    from tickpy.template.gofmt import sprint_value

    value = spec.get("value")
    if isinstance(value, list):
        items = ["*" if isinstance(item, dict) and item.get("type") == "star"
                 else str(item.get("value") if isinstance(item, dict) else item) for item in value]
        return "[" + ", ".join(items) + "]"
    if spec.get("type") == "duration":
        from tickpy.taskvars import var_values

        try:
            value = var_values({"var": spec})["var"]  # Kapacitor holds it as a time.Duration: 10m0s
        except TickError:
            pass
    return sprint_value(value)
