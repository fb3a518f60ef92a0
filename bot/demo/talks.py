"""The demo's conversations, one per corpus entry: what the reading group says about each day's
passage and its counterpoint.

Keyed by entry id, so a reply always sits under the passage it talks about, whichever day that
passage comes. An entry with no script gets a short exchange built from its own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.corpus import Entry

# (who, text, the index of the earlier reply it answers; None: the morning post)
Reply = tuple[str, str, int | None]
OPENING_WORDS = 12


@dataclass(frozen=True)
class Talk:
    """One day's conversation: replies in order, then curiosities; maybe one edited reply."""

    replies: tuple[Reply, ...]
    curiosities: tuple[tuple[str, str], ...] = ()
    edit: tuple[int, str] | None = None  # (index of the reply, its new text)


TALKS: dict[str, Talk] = {
    "ch1-01": Talk(
        replies=(
            ("Ana", "Maximum freedom to connect, but the margin says free people first. "
                    "Which comes first?", None),
            ("Bo", "Free people first, I think. A network of tired people is not freedom.", 0),
            ("Cy", "But people find their freedom by connecting. Maybe it is one movement, "
                   "not two steps.", 1),
            ("Dee", "I like 'social relations in human networks' more than 'platforms'.", None),
        ),
        curiosities=(
            ("Ana", "who does the unpaid housework while people are free to connect?"),
            ("Eli", "can strangers have social relations without a platform?"),
            ("Bo", "what does freedom to connect look like offline?"),
            ("Dee", "how do we free people from unpaid housework they never chose?"),
        ),
        edit=(3, "I like 'social relations in human networks' far more than 'platforms'."),
    ),
    "ch1-02": Talk(
        replies=(
            ("Bo", "Infrastructure first, then relations? The margin turns it around: "
                   "conversation as infra.", None),
            ("Dee", "Agreed: a conversation is infrastructure too. This group is one.", 0),
        ),
        curiosities=(("Cy", "can a conversation be infrastructure?"),),
    ),
    "ch1-03": Talk(
        replies=(
            ("Cy", "Property feels like the wrong word for anything shared. Cancerous is "
                   "strong, though.", None),
            ("Eli", "Production ness: the habit of measuring everything by what it "
                    "produces.", 0),
        ),
        curiosities=(("Dee", "what comes after property?"),),
    ),
    "ch1-04": Talk(
        replies=(
            ("Dee", "Generative towards people and nature: what would that look like in our "
                    "street?", None),
            ("Ana", "First the detox, says the margin: stop maintaining what we never "
                    "chose to maintain.", 0),
        ),
        curiosities=(("Eli", "how does a seed library stay generative?"),),
    ),
    "ch1-05": Talk(
        replies=(
            ("Eli", "Behind those computers are human users, and most of them are tired.",
             None),
            ("Bo", "Freed up, as the day, would change that. And someone to listen to each "
                   "voice.", 0),
        ),
        curiosities=(("Ana", "what would it be like if every voice were heard everyday?"),),
    ),
    "ch1-06": Talk(
        replies=(
            ("Ana", "If reciprocity is a killer, what keeps a collective resource going?", None),
            ("Cy", "Care between the individuals and the resource, maybe. Nobody counts who "
                   "fed the cat.", 0),
        ),
        curiosities=(("Bo", "how does a group share without keeping score?"),),
    ),
    "ch1-07": Talk(
        replies=(
            ("Bo", "Co-governed by its user community: we do that here without writing any "
                   "rules.", None),
            ("Eli", "Common ing ness: the commons as something we do, not something we own.", 0),
        ),
        curiosities=(("Dee", "who writes the rules and norms of a commons?"),),
    ),
}  # fmt: skip


def talk_about(entry: Entry) -> Talk:
    """Return a short exchange built from an unscripted entry's own passage and counterpoint."""
    passage = " ".join(entry.passage.split()[:OPENING_WORDS])
    margin = " ".join(entry.counterpoint.split()[:OPENING_WORDS])
    answer = f"The margin answers: “{margin}”." if margin else "I keep reading it again."
    return Talk(replies=(("Ana", f"“{passage}…” What do you make of that?", None),
                         ("Bo", answer, 0)))  # fmt: skip
