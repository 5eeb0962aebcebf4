"""`tickpy service-tests pushover|discord [--workspace NAME] [--config FILE]`.

Sends one test notification through a configured service, with the options Kapacitor's own
service test uses (each service's `TestOptions` in services/<name>/service.go), and prints the
answer in the table `kapacitor service-tests` prints:

    Service             Success   Message
    pushover            true

One attempt, no retries: the point is to see what the service says. tickpy also prints a note
the service gave on success (Pushover's `info`, with its request id). Exit status 0 when every
test succeeded, 1 otherwise (Kapacitor always exits 0).
"""

from __future__ import annotations

import argparse
import sys

from tickpy.alert.event import Level
from tickpy.config import Config, ConfigError, load_config
from tickpy.handlers import discord, pushover
from tickpy.handlers.http import ClientPool, OutgoingRequest, send_once
from tickpy.lang.errors import TickError

SERVICES = ("pushover", "discord")
ROW_FORMAT = "{:<20}{:<10}{}"

# services/pushover/service.go TestOptions
PUSHOVER_TEST_MESSAGE = "test pushover message"
# services/discord/service.go TestOptions
DISCORD_TEST_MESSAGE = "test discord message"
DISCORD_TEST_USERNAME = "Kapacitor"
DISCORD_TEST_AVATAR = ("https://influxdata.github.io/branding/img/downloads/"
                       "influxdata-logo--symbol--pool-alpha.png")
DISCORD_TEST_TITLE = "Kapacitor Alert"
DISCORD_TEST_TIME_NS = 1_000_000_000  # 1970-01-01T00:00:01Z


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("services", nargs="+", metavar="SERVICE", choices=SERVICES,
                        help="service to test: pushover or discord")
    parser.add_argument("--config", metavar="FILE",
                        help="kapacitor.conf to read (default: $TICKPY_CONFIG)")
    parser.add_argument("--workspace", default="", metavar="NAME",
                        help="[[discord]] workspace to test (default: the default workspace)")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long to wait for each service's answer (default 10)")


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except TickError as error:
        print(error.render(), file=sys.stderr)
        return 1
    print(ROW_FORMAT.format("Service", "Success", "Message"))
    all_ok = True
    pool = ClientPool(timeout=args.timeout)
    try:
        for service in args.services:
            ok, message = _test(service, config, args, pool)
            all_ok = all_ok and ok
            print(ROW_FORMAT.format(service, "true" if ok else "false", message), flush=True)
    finally:
        pool.close()
    return 0 if all_ok else 1


def _test(service: str, config: Config, args, pool: ClientPool) -> tuple[bool, str]:
    try:
        request = _test_request(service, config, args.workspace)
    except ConfigError as error:
        return False, error.message
    attempt = send_once(pool, request, timeout=args.timeout)
    if attempt.ok:
        return True, attempt.notice
    return False, attempt.message


def _test_request(service: str, config: Config, workspace_name: str) -> OutgoingRequest:
    what = f"{service} service test"
    if service == "pushover":
        if not config.pushover.enabled:
            raise config.error("service is not enabled", "[pushover]", "enabled")
        return pushover.build_request(config.pushover, {}, PUSHOVER_TEST_MESSAGE, Level.CRITICAL, what)
    workspace = config.discord_workspace(workspace_name)
    if not workspace.enabled:
        raise config.error("service is not enabled", workspace.label(), "enabled")
    return discord.build_request(
        workspace,
        message=DISCORD_TEST_MESSAGE,
        level=Level.INFO,
        time_ns=DISCORD_TEST_TIME_NS,
        title=DISCORD_TEST_TITLE,
        username=DISCORD_TEST_USERNAME,
        avatar_url=DISCORD_TEST_AVATAR,
        what=what,
    )
