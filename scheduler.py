"""The one scheduler process: mailbox polling, overdue reminders and outbox sending."""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("scheduler")


def run_forever() -> None:
    """Start the scheduler and block until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler = BlockingScheduler(timezone="Europe/London")
    log.info("scheduler starting with %d jobs", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
