"""The publish gate, live swaps, releases and rollback, on a copy of the shipped flow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.channels import conversations as conversations_module
from bot.channels.conversations import Conversations, build_conversations
from bot.engine import Answer, Start
from bot.flow import load_flow
from bot.settings import load_settings
from bot.store import SessionStore
from bot.store.releases import Releases
from tests.publish.stories import STORIES

ROOT = Path(__file__).resolve().parents[2]
INTRO = "Hi! This check is for twitching"


def make_dir(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    (flows / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "flows" / "nostril_twitch.yaml", flows)
    (flows / "tests" / "nostril_twitch.yaml").write_text(STORIES)
    return flows


def open_bot(tmp_path: Path, url: str | None = None, **overrides: object) -> Conversations:
    settings = load_settings(
        flows_dir=make_dir(tmp_path) if not (tmp_path / "flows").exists() else tmp_path / "flows",
        database_url=url or f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        **overrides,
    )
    return build_conversations(settings)


def edit(flows: Path, old: str, new: str) -> None:
    path = flows / "nostril_twitch.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def bot(tmp_path: Path):
    conversations = open_bot(tmp_path)
    yield conversations
    conversations.store.close()


def test_an_edit_goes_live_and_is_recorded(bot: Conversations, tmp_path: Path):
    flows = tmp_path / "flows"
    first = bot.flows["nostril_twitch"].version
    edit(flows, INTRO, "Hello! This check is for twitching")
    [result] = bot.publisher.reload("watcher")
    assert result.live and result.version != first
    assert "0 with another outcome (0 less urgent)" in result.summary
    reply = bot.handle("p", Start()).result
    assert "Hello! This check" in reply.messages[0].text
    releases = Releases(bot.store.engine).history("nostril_twitch")
    assert [r.version for r in releases] == [first, result.version]
    assert releases[-1].published_by == "watcher" and "Hello!" in releases[-1].content
    assert bot.publisher.reload("watcher") == []  # nothing changed since


def test_broken_yaml_is_refused_with_located_errors_and_the_old_version_serves(
    bot: Conversations, tmp_path: Path
):
    flows = tmp_path / "flows"
    live = bot.flows["nostril_twitch"]
    edit(flows, "start: consent", "start: [consent")
    [result] = bot.publisher.reload("watcher")
    assert not result.live
    assert "NOT published" in result.describe()
    assert any(p.startswith(f"{flows / 'nostril_twitch.yaml'}:") for p in result.problems)
    assert bot.flows["nostril_twitch"] is live
    assert bot.publisher.reload("watcher") == []  # the same broken file is reported once


def test_a_failing_story_blocks_the_version(bot: Conversations, tmp_path: Path):
    flows = tmp_path / "flows"
    live = bot.flows["nostril_twitch"]
    # Sending "cannot close the eye" to self care is valid YAML, but its story fails.
    text = (flows / "nostril_twitch.yaml").read_text()
    start = text.index("  - id: eye_closing")
    block = text[start : text.index("  - id: numbness")]
    assert "red_flag: urgent" in block
    weakened = block.replace("red_flag: urgent", "red_flag: routine")
    (flows / "nostril_twitch.yaml").write_text(text.replace(block, weakened))
    [result] = bot.publisher.reload("admin")
    assert not result.live
    assert any("FAIL cannot close the eye" in p for p in result.problems), result.problems
    assert bot.flows["nostril_twitch"] is live


def test_rollback_puts_the_previous_release_back_and_survives_a_restart(
    tmp_path: Path, database_url: str
):
    bot = open_bot(tmp_path, database_url)
    first = bot.flows["nostril_twitch"].version
    edit(tmp_path / "flows", INTRO, "Hello! This check is for twitching")
    [published] = bot.publisher.reload("watcher")
    result = bot.publisher.rollback("nostril_twitch", "admin")
    assert result.live and result.version == first
    assert bot.flows["nostril_twitch"].version == first
    history = Releases(bot.store.engine).history("nostril_twitch")
    assert [r.version for r in history] == [first, published.version, first]
    assert history[1].withdrawn_at is not None
    assert not bot.publisher.rollback("nostril_twitch", "admin").live  # nothing earlier
    assert (
        bot.publisher.reload("watcher")[0]
        .problems[-1]
        .endswith("was rolled back; change the file to publish again")
    )
    bot.store.close()
    again = open_bot(tmp_path, database_url)  # the file still holds the withdrawn version
    assert again.flows["nostril_twitch"].version == first
    again.store.close()


def test_with_approval_required_only_a_signed_off_version_goes_live(tmp_path: Path):
    with pytest.raises(ValueError, match="DEFAULT_FLOW 'nostril_twitch' was refused"):
        open_bot(tmp_path, require_approval=True)
    store = SessionStore(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    shipped = load_flow(tmp_path / "flows" / "nostril_twitch.yaml").version
    Releases(store.engine).approve("nostril_twitch", shipped, "Dr. Who", "")
    store.close()
    bot = open_bot(tmp_path, require_approval=True)
    assert bot.flows["nostril_twitch"].version == shipped
    edit(tmp_path / "flows", INTRO, "Hello! This check is for twitching")
    [refused] = bot.publisher.reload("watcher")
    assert not refused.live and "has no approval" in refused.problems[-1]
    assert bot.flows["nostril_twitch"].version == shipped
    Releases(bot.store.engine).approve("nostril_twitch", refused.version, "Dr. Who", "")
    assert bot.publisher.reload("watcher") == []  # the watcher reports a refusal once
    [published] = bot.publisher.reload("admin", again=True)  # /reload offers it again
    assert published.live and published.version == refused.version
    bot.store.close()


def test_a_session_in_progress_continues_on_the_new_version(bot: Conversations, tmp_path: Path):
    bot.handle("p", Start())
    bot.handle("p", Answer(option_id="agree", question_id="consent"))
    edit(tmp_path / "flows", INTRO, "Hello! This check is for twitching")
    [result] = bot.publisher.reload("watcher")
    assert result.live
    session = bot.store.load("p")
    assert session.state == "emergency_signs"
    bot.handle("p", Answer(option_id="no", question_id="emergency_signs"))
    session = bot.store.load("p")
    assert session.flow_version == result.version and session.answers["consent"] == "agree"


def test_a_publish_landing_during_a_step_takes_effect_from_the_next_step(
    bot: Conversations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    old = bot.flows["nostril_twitch"]
    edit(tmp_path / "flows", INTRO, "Hello! This check is for twitching")
    new = load_flow(tmp_path / "flows" / "nostril_twitch.yaml")
    real_step = conversations_module.step

    def step_then_publish(flow, *args, **kwargs):
        result = real_step(flow, *args, **kwargs)
        bot.swap_flow(new)  # the publisher swaps while this step is still running
        return result

    bot.handle("p", Start())
    monkeypatch.setattr(conversations_module, "step", step_then_publish)
    bot.handle("p", Answer(option_id="agree", question_id="consent"))
    monkeypatch.undo()
    assert bot.store.load("p").flow_version == old.version  # finished on the version it read
    bot.handle("p", Answer(option_id="no", question_id="emergency_signs"))
    session = bot.store.load("p")
    assert session.flow_version == new.version and session.state == "face_weakness"


def test_a_file_broken_while_the_bot_was_down_serves_its_last_release(tmp_path: Path):
    open_bot(tmp_path).store.close()
    shipped = load_flow(tmp_path / "flows" / "nostril_twitch.yaml").version
    edit(tmp_path / "flows", "start: consent", "start: [consent")
    bot = open_bot(tmp_path)
    assert bot.flows["nostril_twitch"].version == shipped
    [refused] = bot.publisher.startup
    assert not refused.live and refused.problems[0].startswith(str(tmp_path / "flows"))
    bot.store.close()
