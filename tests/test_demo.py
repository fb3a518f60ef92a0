"""``python -m bot demo`` tells the whole story of a day and a week."""

from bot.demo import run_demo


async def test_demo_transcript_has_the_post_nested_replies_curiosities_and_both_digests(tmp_path):
    lines: list[str] = []
    code = await run_demo(db_path=tmp_path / "demo.db", echo=lines.append)
    transcript = "\n".join(lines)
    assert code == 0
    assert "Counterpoint" in transcript  # the morning post
    assert "Bo  ↳ replying to Ana" in transcript and "Cy  ↳ replying to Bo" in transcript
    assert "Noted for tonight's digest" in transcript
    assert "Evening digest · Monday" in transcript
    assert "│    ↳ Cy: But someone notices when nobody does." in transcript  # three deep
    assert "Ana and Dee are both wondering about" in transcript  # a resonance
    assert "far more than 'productivity'" in transcript.split("Evening digest · Monday")[1]
    assert "Weekly digest ·" in transcript
