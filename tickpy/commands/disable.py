"""`tickpy disable NAME...`: a disabled task stays stored but `tickpy run` no longer runs it.

Names may be globs (`tickpy disable '*_alert'`), as in Kapacitor; a plain name must exist."""

from tickpy.commands.common import add_task_names_argument, reports_errors, set_tasks_status


def add_arguments(parser):
    add_task_names_argument(parser)


@reports_errors
def run(args) -> int:
    return set_tasks_status(args, "disabled")
