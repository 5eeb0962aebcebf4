"""`tickpy show NAME`: a task's fields, script and pipeline graph, in Kapacitor's layout
(cmd/kapacitor/main.go doShow)."""

from datetime import datetime

from tickpy.commands.common import EXIT_OK, add_home_argument, open_store_for, reports_errors


def add_arguments(parser):
    parser.add_argument("name", metavar="NAME")
    add_home_argument(parser)


@reports_errors
def run(args) -> int:
    from tickpy.lang.parser import parse
    from tickpy.pipeline.build import task_dot
    from tickpy.services import Services
    from tickpy.taskvars import var_values

    task = open_store_for(args).task(args.name)
    dbrps = "[" + " ".join(f'"{d.split(".", 1)[0]}"."{d.split(".", 1)[1]}"' for d in task.dbrps) + "]"
    print("ID:", task.id)
    print("Error:", task.error)
    print("Template:", "")
    print("Type:", task.type)
    print("Status:", task.status)
    print("Executing:", str(task.status == "enabled").lower())
    print("Created:", _rfc822(task.created))
    print("Modified:", _rfc822(task.modified))
    print("LastEnabled:", _rfc822(task.last_enabled))
    print("Databases Retention Policies:", dbrps)
    print(f"TICKscript:\n{task.script}")
    if task.vars:
        print("Vars:")
        print(f"{'Name':<30}{'Type':<10}{'Value':<40}")
        for name in sorted(task.vars):
            spec = task.vars[name]
            print(f"{name:<30}{str(spec.get('type', '')):<10}{str(spec.get('value', '')):<40}")
    dot = task_dot(parse(task.script, task.id), task.id, Services(dry_run=True), var_values(task.vars))
    print(f"DOT:\n{dot}")
    return EXIT_OK


def _rfc822(iso: str) -> str:
    """Go's time.RFC822 layout, "02 Jan 06 15:04 UTC" (Go's zero time when never set)."""
    if not iso:
        return "01 Jan 01 00:00 UTC"
    return datetime.fromisoformat(iso).strftime("%d %b %y %H:%M UTC")
