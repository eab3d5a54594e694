"""A Flink job on the page (issue 19): the lesson "Kafka group versus Flink job" read off the screen at the
step that makes its claim, a kill and a rescale from the job panel, the job's row in the Kafka details and
what kafka-consumer-groups.sh prints for it. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import SCREENSHOTS, WAIT_MS  # noqa: E402


def number(locator) -> int:
    return int(re.sub(r"[^0-9]", "", locator.inner_text()) or "0")


def job(page, gid):
    return page.locator(f"[data-testid='flink-job'][data-group-id='{gid}']")


def group_of(live_server, gid) -> dict:
    return next(g for g in live_server.live.full_snapshot()["groups"] if g["group_id"] == gid)


def start_lesson(page, live_server):
    """The lesson with the engine paused, so every step runs exactly its simulated time."""
    live_server.live.apply({"op": "pause"})
    page.get_by_test_id("lesson-select").select_option("kafka-vs-flink")
    expect(page.get_by_test_id("lesson-step")).to_have_text("step 1 / 4", timeout=WAIT_MS)
    expect(page.get_by_test_id("flink-job")).to_have_count(2, timeout=WAIT_MS)


def next_step(page, live_server, ms, label):
    live_server.live.apply({"op": "step", "ms": ms})
    page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lesson-step")).to_have_text(label, timeout=WAIT_MS)


def test_the_lesson_shows_what_the_group_and_each_job_duplicate_after_the_same_crash(page, live_server):
    start_lesson(page, live_server)
    expect(page.get_by_test_id("lesson-narration")).to_contain_text("Flink uses no group protocol")
    next_step(page, live_server, 8000, "step 2 / 4")          # the same crash: consumer-1, subtask 0 of each job
    for gid in ("job", "job-2pc"):
        expect(job(page, gid).get_by_test_id("flink-state")).to_have_text("RESTARTING", timeout=WAIT_MS)
    next_step(page, live_server, 15000, "step 3 / 4")         # count what each lost and duplicated
    expect(page.get_by_test_id("lesson-narration")).to_contain_text("Count what each one lost and duplicated")
    plain, tx = job(page, "job"), job(page, "job-2pc")
    for j in (plain, tx):
        expect(j.get_by_test_id("flink-state")).to_have_text("RUNNING", timeout=WAIT_MS)
        expect(j.get_by_test_id("flink-restarts")).to_have_text("1")
        expect(j.get_by_test_id("flink-restart")).to_contain_text("stood still 3.0 s")
    page.wait_for_timeout(500)
    g1_dups = number(page.get_by_test_id("duplicates"))      # g1 is the group the board shows
    job_again, job_dup_results = number(plain.get_by_test_id("flink-duplicates")), number(plain.get_by_test_id("flink-results-dup"))
    tx_again, tx_dup_results = number(tx.get_by_test_id("flink-duplicates")), number(tx.get_by_test_id("flink-results-dup"))
    tx_aborted = number(tx.get_by_test_id("flink-aborted"))
    page.screenshot(path=str(SCREENSHOTS / "flink-lesson-step3.png"), full_page=True)
    # The numbers on screen are the engine's.
    assert g1_dups == group_of(live_server, "g1")["duplicates"]
    assert job_again == group_of(live_server, "job")["duplicates"]
    assert tx_aborted == group_of(live_server, "job-2pc")["sink"]["aborted"]
    # The claims of the step: the group re-processes only what its crashed member did after its last commit,
    # each job re-reads what every subtask read after the checkpoint; a plain sink sends those results twice,
    # a two-phase-commit sink aborted them and sends none twice.
    assert 0 < g1_dups < job_again
    assert job_dup_results == job_again
    assert tx_again == job_again and tx_dup_results == 0 and tx_aborted > 0


def test_rescaling_in_the_lesson_reassigns_splits_without_duplicates(page, live_server):
    start_lesson(page, live_server)
    next_step(page, live_server, 8000, "step 2 / 4")
    next_step(page, live_server, 15000, "step 3 / 4")
    before = number(job(page, "job").get_by_test_id("flink-duplicates"))
    next_step(page, live_server, 3000, "step 4 / 4")
    live_server.live.apply({"op": "step", "ms": 3000})
    plain = job(page, "job")
    expect(plain.get_by_test_id("flink-subtask")).to_have_count(4, timeout=WAIT_MS)
    expect(plain.get_by_test_id("flink-restart")).to_contain_text("rescaled to 4 from savepoint")
    assert number(plain.get_by_test_id("flink-duplicates")) == before


def test_kill_and_rescale_from_the_job_panel(page, live_server):
    live_server.live.apply({"op": "add_group", "group_id": "etl", "type": "flink", "parallelism": 2})
    panel = job(page, "etl")
    expect(panel.get_by_test_id("flink-subtask")).to_have_count(2, timeout=WAIT_MS)
    expect(panel.get_by_test_id("flink-checkpoint").first).to_be_visible(timeout=WAIT_MS)
    panel.locator("[data-testid='flink-subtask'][data-subtask='1'] [data-testid='flink-kill']").click()
    expect(panel.get_by_test_id("flink-state")).to_have_text("RESTARTING", timeout=WAIT_MS)
    expect(panel.get_by_test_id("flink-kill").first).to_be_disabled()
    expect(panel.get_by_test_id("flink-state")).to_have_text("RUNNING", timeout=WAIT_MS)
    panel.get_by_test_id("flink-parallelism").select_option("3")
    expect(panel.get_by_test_id("flink-subtask")).to_have_count(3, timeout=WAIT_MS)
    assert group_of(live_server, "etl")["parallelism"] == 3


def test_the_job_has_its_row_in_the_kafka_details_and_describes_as_a_group_without_members(page, live_server):
    live_server.live.apply({"op": "add_group", "group_id": "etl", "type": "flink", "parallelism": 2})
    page.get_by_test_id("kafka-view").click()
    row = page.locator("[data-testid='group-row'][data-group-id='etl']")
    expect(row).to_contain_text("Flink job", timeout=WAIT_MS)
    expect(row).to_contain_text("KafkaSourceEnumerator")
    expect(row).to_contain_text("RUNNING")
    expect(page.get_by_test_id("describe-output")).to_be_attached()
    # Checkpoints every 5 s (4x speed here): once one has completed, Kafka knows the group.
    expect(job(page, "etl").get_by_test_id("flink-cp-completed")).to_contain_text("completed", timeout=WAIT_MS)
    row.click()
    expect(page.get_by_test_id("describe-output")).to_contain_text("Consumer group 'etl' has no active members.",
                                                                  timeout=WAIT_MS)
    expect(page.locator(".kz-cmdline")).to_contain_text("kafka-consumer-groups.sh")


def test_flink_words_are_translated(page, live_server):
    live_server.live.apply({"op": "add_group", "group_id": "etl", "type": "flink", "parallelism": 2,
                            "sink": "two-phase-commit"})
    page.get_by_test_id("lang").select_option("zh")
    panel = job(page, "etl")
    expect(panel).to_contain_text("Flink 作业", timeout=WAIT_MS)
    expect(panel).to_contain_text("子任务 0")
    expect(panel).to_contain_text("两阶段提交 sink")
    expect(panel).to_contain_text("检查点")
