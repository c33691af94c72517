#!/usr/bin/env python3
"""Writes datasets/sample_corpus.jsonl: a fictional news corpus written for stancemap.

Every person, country, organisation and outlet here is invented. The articles mix
direct quotes (curly and straight marks, split and multi-paragraph quotes), reported
speech, "according to" and descriptive statements, over June to August 2025, so that
runs, comparisons and reports have something to show. It also writes
datasets/sample_stances.csv: what each speaker was written to think of each study
target, article by article (INTENDED_STANCES), the truth the compare test checks
against. Re-run to regenerate both files.
"""
import csv
import json
import pathlib

ARTICLES = [
("2025-06-02", "Northern Wire", "Valdoria proposes talks on a ceasefire",
"""Valdorian President Mara Ilves said on Monday that her government was ready to open talks on a ceasefire with Kestria "without preconditions."

"We have buried too many of our sons and daughters. The war must end, and it must end at the negotiating table," Ilves told lawmakers in the capital.

Kestrian Prime Minister Tomas Brenner has not responded publicly. According to the Kestrian foreign ministry, any talks would first have to address what it called "security guarantees for Kestrian citizens."

Defence Minister Piotr Sand warned that a pause in fighting would only give Kestria time to rearm."""),
("2025-06-05", "Daily Meridian", "Alliance envoy welcomes Valdorian offer",
"""Alliance of Nations envoy Amina Diallo described the Valdorian offer as "a courageous first step" and said she would travel to both capitals next week.

"There is a window now. It will not stay open for long," Diallo told reporters in Geneva. "Both sides know the price of waiting."

She added that a prisoner exchange could be "the confidence-building measure everyone needs."

Brenner's spokeswoman Lena Vos said the prime minister was studying the proposal."""),
("2025-06-09", "Coastal Herald", "Kestria dismisses offer as a trap",
"""Kestria's prime minister on Monday dismissed the ceasefire offer, calling it "a trap dressed up as peace."

"Valdoria wants a pause to regroup its army. We are not naive," Brenner said at a rally in Kestrel City. He said Kestria would keep up military pressure until its conditions were met.

The Kestrian foreign ministry said in a statement that sanctions on Kestria were "an act of economic war" and must be lifted before any meeting.

Opposition leader Jonas Rukas accused President Ilves of weakness, saying the offer had "emboldened the aggressor.\""""),
("2025-06-12", "Northern Wire", "Ilves defends peace offer against critics",
"""President Ilves defended her ceasefire proposal on Thursday, insisting that it came from strength, not weakness.

"Only the strong can afford to offer peace," she said in a televised address. "I will not apologise for trying to save lives."

The Valdorian president also said sanctions on Kestria should stay in place until the last Kestrian soldier had left Valdorian soil.

Rukas, the opposition leader, said the president was "gambling with the nation's security" and called for a parliamentary vote on any deal."""),
("2025-06-16", "Daily Meridian", "Envoy reports progress on prisoner exchange",
"""Diallo said on Monday that both governments had agreed in principle to a prisoner exchange, the first concrete result of her shuttle diplomacy.

"This is a small step, but small steps are how wars end," the envoy said after meeting Brenner for three hours.

According to two officials familiar with the talks, the exchange could involve as many as 400 prisoners.

The Kestrian foreign ministry described the meeting as "frank and useful" but said that "fundamental differences remain.\""""),
("2025-06-19", "Coastal Herald", "Sand: no ceasefire while shelling continues",
"""Valdoria's defence minister said a ceasefire was impossible while Kestrian artillery kept shelling border towns.

"You cannot sign a ceasefire with a gun pointed at your head," Sand told the Coastal Herald. He said the army needed new air defence systems "before anyone talks about a truce."

Asked about the prisoner exchange, Sand said he welcomed it but warned that Kestria had broken similar promises before.

Military analysts said the minister's comments reflected deep divisions inside the Valdorian government."""),
("2025-06-24", "Northern Wire", "Brenner softens tone after envoy visit",
"""Kestrian Prime Minister Tomas Brenner said on Tuesday that he was "open to serious proposals" after a second meeting with the Alliance envoy.

"If Valdoria comes with realistic ideas, we will listen," he said. "But we will not be lectured."

The prime minister described his talks with Diallo as "constructive," a marked change from his remarks two weeks ago.

Vos, the ministry spokeswoman, added that sanctions on Kestria remained "the main obstacle to trust.\""""),
("2025-06-27", "Daily Meridian", "Prisoner exchange completed at the border",
"""Valdoria and Kestria exchanged 212 prisoners each at the Sarn crossing on Friday, in what the Alliance envoy called "a day of hope."

"Today families are whole again," Diallo said at the crossing. "Let this be the beginning, not the end."

President Ilves thanked the envoy and said the exchange proved "that talking works." She said she hoped a ceasefire would follow "within weeks, not months."

In Kestrel City, the foreign ministry said the exchange showed Kestria's "goodwill and humanity.\""""),
("2025-07-01", "Coastal Herald", "Harbor Accord draft circulates",
"""A draft peace plan known as the Harbor Accord began circulating among diplomats on Tuesday, according to three people who have seen it.

The plan would create a demilitarised zone along the border and phase out sanctions on Kestria over two years, the people said.

Ilves said the draft was "a serious basis for negotiation." Rukas called it "a surrender document written in diplomatic language."

"Nobody will get everything they want," Diallo said. "That is what a compromise looks like.\""""),
("2025-07-04", "Northern Wire", "Kestria welcomes parts of Harbor Accord",
"""The Kestrian foreign ministry on Friday welcomed what it called "the realistic elements" of the Harbor Accord, but rejected its timetable for lifting sanctions.

"Two years is too long. Sanctions must go the day a ceasefire is signed," ministry spokeswoman Lena Vos told reporters.

Brenner said separately that the plan was "a step in the right direction." He added that Kestria would send a delegation to the next round of talks.

Analysts said the response was the most positive signal from Kestrel City since the war began."""),
("2025-07-08", "Daily Meridian", "Valdorian defence minister attacks peace plan",
"""Defence Minister Piotr Sand on Tuesday described the Harbor Accord as "dangerously naive" and said it would leave Valdoria defenceless.

"A demilitarised zone on our side of the border is an invitation to the next invasion," Sand said. "I will not support it."

His comments put him at odds with President Ilves, who has called the plan a serious basis for talks.

A government spokesman said the cabinet remained united behind the president's efforts to end the war."""),
("2025-07-11", "Coastal Herald", "Ilves rebukes defence minister",
"""President Mara Ilves said on Friday that ministers who opposed the Harbor Accord in public "should remember who sets foreign policy."

She said she would not dismiss Sand but expected "loyalty, not commentary."

"We are closer to ending this war than at any time in two years," Ilves told reporters. "I will not let that chance be wasted by ambition."

Rukas said the public quarrel showed that the government had "lost control of its own strategy.\""""),
("2025-07-15", "Northern Wire", "Talks stall over sanctions",
"""Talks on the Harbor Accord stalled on Tuesday after Kestria insisted that sanctions be lifted immediately, according to diplomats in Geneva.

Diallo said the two sides were "stuck, but still talking." She added that she remained hopeful of a ceasefire "before the autumn."

Brenner told Kestrian state television that Valdoria was "hiding behind its Western friends" and that sanctions on Kestria were "collective punishment."

The Valdorian president said lifting sanctions before a ceasefire would be "rewarding aggression.\""""),
("2025-07-18", "Daily Meridian", "Shelling of Rell kills eleven",
"""Kestrian shelling killed eleven civilians in the border town of Rell overnight, Valdorian officials said on Friday.

President Ilves called the attack "a deliberate crime" and said it had "poisoned the talks."

"How can we speak of a ceasefire while they kill children in their beds?" she asked at the scene.

The Kestrian foreign ministry denied targeting civilians and claimed that Valdorian forces had placed artillery inside the town."""),
("2025-07-22", "Coastal Herald", "Brenner says Valdoria is not serious about peace",
"""Prime Minister Tomas Brenner said on Tuesday that Valdoria was "not serious about peace" and accused President Ilves of using the Rell attack "for propaganda."

"They cry for a ceasefire in the morning and fire rockets at night," Brenner said at a press conference.

He said Kestria would suspend its participation in the talks until Valdoria "stops lying to the world."

Diallo said she regretted the decision and urged both leaders to "return to the table before more lives are lost.\""""),
("2025-07-25", "Northern Wire", "Opposition demands tougher line",
"""Jonas Rukas on Friday demanded that the government walk away from the Harbor Accord and ask allies for more weapons.

"Peace with a regime that shells our towns is not peace. It is a pause before the next war," the opposition leader told a rally of several thousand people.

Rukas said sanctions on Kestria should be "doubled, not traded away."

Polls show that most Valdorians still support the talks, although support has fallen since the attack on Rell."""),
("2025-07-29", "Daily Meridian", "Envoy proposes humanitarian pause",
"""Amina Diallo on Tuesday proposed a 30-day humanitarian pause along the front line, saying it could "save lives now and rebuild trust for later."

"I am asking both leaders for thirty days. Just thirty days," she said in a statement.

Ilves said Valdoria would accept the pause if Kestria did the same. The Kestrian foreign ministry said it was "studying the proposal carefully."

Sand said a pause was acceptable "as long as our soldiers keep their positions.\""""),
("2025-08-01", "Coastal Herald", "Kestria accepts humanitarian pause",
"""Kestria accepted the proposed humanitarian pause on Friday, Brenner said in a televised address.

"We do this for the civilians on both sides, not for Valdoria's government," the prime minister said. "Kestria has always wanted peace."

Vos said the foreign ministry expected Valdoria to use the pause "to prepare a serious answer on sanctions."

Diallo called the decision "the best news of the summer.\""""),
("2025-08-05", "Northern Wire", "Pause holds as talks resume",
"""The humanitarian pause held for a fourth day on Tuesday, and delegations returned to Geneva, according to the Alliance envoy's office.

"The guns are quiet. Now the diplomats must be loud," Diallo said.

President Ilves said she was "cautiously optimistic" and that a ceasefire agreement was "within reach."

The Valdorian defence minister struck a different note. "Quiet guns can be reloaded," Sand said on the radio."""),
("2025-08-08", "Daily Meridian", "Harbor Accord talks make progress on sanctions",
"""Negotiators made progress on the sanctions timetable on Thursday, both delegations said.

According to the Kestrian foreign ministry, Valdoria had agreed to consider lifting some sanctions on Kestria "at the moment a ceasefire is signed."

"We have moved further in three days than in three months," Diallo told reporters. She described the mood in the room as "businesslike and, for the first time, hopeful."

Brenner said the talks were "finally going somewhere.\""""),
("2025-08-12", "Coastal Herald", "Rukas warns of betrayal",
"""Opposition leader Jonas Rukas said on Tuesday that easing sanctions on Kestria would be "a betrayal of every family in Rell."

"The president is selling our security for a photo opportunity," Rukas told the Coastal Herald. "History will judge this harshly."

Rukas said his party would vote against any accord that lifted sanctions before all Kestrian troops had withdrawn.

A spokesman for President Ilves said the opposition leader was "playing politics with peace.\""""),
("2025-08-15", "Northern Wire", "Ceasefire text agreed in principle",
"""Valdoria and Kestria agreed in principle on the text of a ceasefire on Friday, the Alliance envoy announced.

"This is not the end of the road, but it is the end of the beginning," Diallo said. "I thank both leaders for their courage."

Ilves said the agreement was "the most important day for Valdoria since independence." Brenner described it as "a victory for common sense."

Sand said he would support the ceasefire "with open eyes and a loaded rifle.\""""),
("2025-08-19", "Daily Meridian", "Doubts over ceasefire monitoring",
"""Questions about who will monitor the ceasefire threatened to delay its signing on Tuesday.

The Kestrian foreign ministry said it would not accept "foreign soldiers on Kestrian soil" and proposed that monitors come only from neutral states.

Ilves told reporters that monitoring was "not a detail but the heart of the deal." She said Valdoria would insist on "monitors who can see, count and report."

Diallo said the dispute was "serious but solvable.\""""),
("2025-08-22", "Coastal Herald", "Monitoring compromise reached",
"""Negotiators reached a compromise on Friday under which monitors would come from the Alliance's neutral members, according to a joint statement.

"This was the last real obstacle. We are ready to sign," Brenner said.

"Sign it, and keep it," Ilves said when asked about the compromise. "A signature is only as good as the week after it."

Rukas said the compromise was "better than nothing, but not by much.\""""),
("2025-08-26", "Northern Wire", "Ceasefire signed in Geneva",
"""Valdoria and Kestria signed a ceasefire in Geneva on Tuesday, ending more than two years of fighting along their border.

"Today we chose life," President Ilves said after the ceremony. "Now we must prove that we meant it."

Brenner called the agreement "honourable for both nations" and said sanctions on Kestria should now be lifted "without delay."

"My work is not over. A ceasefire is a promise, and promises need guardians," Diallo said.

Sand, the defence minister, said the army would remain "vigilant and ready.\""""),
]


# Each article's intended stance of each speaker toward each study target
# (datasets/sample_study.toml), with the words that carry it. Only positions the text
# takes clearly are listed: a speaker who mentions a target without taking a side
# (Brenner's "They cry for a ceasefire in the morning", Ilves on monitoring) has none.
# (article number, actor id, target id, stance, evidence)
INTENDED_STANCES = [
    (1, "ilves", "ceasefire", "favor", "ready to open talks on a ceasefire"),
    (1, "ilves", "ending_the_war", "favor", "The war must end"),
    (1, "sand", "ceasefire", "against", "a pause in fighting would only give Kestria time to rearm"),
    (2, "diallo", "ceasefire", "favor", "described the Valdorian offer as a courageous first step"),
    (2, "diallo", "prisoner_exchange", "favor", "the confidence-building measure everyone needs"),
    (3, "brenner", "ceasefire", "against", "a trap dressed up as peace"),
    (3, "kestrian_foreign_ministry", "sanctions_on_kestria", "against", "an act of economic war"),
    (3, "rukas", "ceasefire", "against", "the offer had emboldened the aggressor"),
    (4, "ilves", "ceasefire", "favor", "defended her ceasefire proposal"),
    (4, "ilves", "sanctions_on_kestria", "favor", "sanctions on Kestria should stay in place"),
    (4, "rukas", "ceasefire", "against", "gambling with the nation's security"),
    (5, "diallo", "prisoner_exchange", "favor", "the first concrete result of her shuttle diplomacy"),
    (5, "diallo", "ending_the_war", "favor", "small steps are how wars end"),
    (6, "sand", "ceasefire", "against", "a ceasefire was impossible"),
    (6, "sand", "prisoner_exchange", "favor", "he welcomed it"),
    (7, "brenner", "ceasefire", "favor", "open to serious proposals"),
    (7, "vos", "sanctions_on_kestria", "against", "the main obstacle to trust"),
    (8, "diallo", "prisoner_exchange", "favor", "a day of hope"),
    (8, "ilves", "prisoner_exchange", "favor", "the exchange proved that talking works"),
    (8, "ilves", "ceasefire", "favor", "she hoped a ceasefire would follow"),
    (8, "kestrian_foreign_ministry", "prisoner_exchange", "favor", "Kestria's goodwill and humanity"),
    (9, "ilves", "harbor_accord", "favor", "a serious basis for negotiation"),
    (9, "rukas", "harbor_accord", "against", "a surrender document"),
    (9, "diallo", "harbor_accord", "favor", "That is what a compromise looks like"),
    (10, "vos", "sanctions_on_kestria", "against", "Sanctions must go the day a ceasefire is signed"),
    (10, "brenner", "harbor_accord", "favor", "a step in the right direction"),
    (11, "sand", "harbor_accord", "against", "dangerously naive; I will not support it"),
    (12, "ilves", "harbor_accord", "favor", "ministers who opposed the Harbor Accord should remember who sets foreign policy"),
    (12, "ilves", "ending_the_war", "favor", "closer to ending this war than at any time"),
    (13, "diallo", "ceasefire", "favor", "hopeful of a ceasefire before the autumn"),
    (13, "brenner", "sanctions_on_kestria", "against", "collective punishment"),
    (13, "ilves", "sanctions_on_kestria", "favor", "lifting sanctions before a ceasefire would be rewarding aggression"),
    (16, "rukas", "harbor_accord", "against", "walk away from the Harbor Accord"),
    (16, "rukas", "sanctions_on_kestria", "favor", "doubled, not traded away"),
    (17, "diallo", "ceasefire", "favor", "proposed a 30-day humanitarian pause"),
    (17, "ilves", "ceasefire", "favor", "would accept the pause"),
    (18, "brenner", "ceasefire", "favor", "Kestria accepted the proposed humanitarian pause"),
    (18, "vos", "sanctions_on_kestria", "against", "a serious answer on sanctions"),
    (18, "diallo", "ceasefire", "favor", "the best news of the summer"),
    (19, "diallo", "ceasefire", "favor", "The guns are quiet"),
    (19, "ilves", "ceasefire", "favor", "a ceasefire agreement was within reach"),
    (19, "sand", "ceasefire", "against", "Quiet guns can be reloaded"),
    (20, "kestrian_foreign_ministry", "sanctions_on_kestria", "against", "lifting some sanctions on Kestria"),
    (20, "brenner", "harbor_accord", "favor", "finally going somewhere"),
    (21, "rukas", "sanctions_on_kestria", "favor", "easing sanctions on Kestria would be a betrayal"),
    (21, "rukas", "harbor_accord", "against", "vote against any accord that lifted sanctions"),
    (22, "diallo", "ceasefire", "favor", "the end of the beginning"),
    (22, "ilves", "ceasefire", "favor", "the most important day for Valdoria since independence"),
    (22, "brenner", "ceasefire", "favor", "a victory for common sense"),
    (22, "sand", "ceasefire", "favor", "would support the ceasefire with open eyes and a loaded rifle"),
    (24, "brenner", "ceasefire", "favor", "We are ready to sign"),
    (24, "ilves", "ceasefire", "favor", "Sign it, and keep it"),
    (25, "ilves", "ceasefire", "favor", "Today we chose life"),
    (25, "brenner", "ceasefire", "favor", "honourable for both nations"),
    (25, "brenner", "sanctions_on_kestria", "against", "should now be lifted without delay"),
    (25, "diallo", "ceasefire", "favor", "A ceasefire is a promise, and promises need guardians"),
]


def main():
    out = pathlib.Path(__file__).resolve().parent.parent / "sample_corpus.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for n, (date, source, title, text) in enumerate(ARTICLES, 1):
            row = {"id": f"sample-{n:03d}", "date": date, "source": source, "title": title,
                   "url": f"https://example.org/sample/{n:03d}", "text": text}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(ARTICLES)} articles to {out}")
    stances = out.with_name("sample_stances.csv")
    with stances.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["article_id", "actor_id", "target_id", "stance", "evidence"])
        for n, actor, target, stance, evidence in INTENDED_STANCES:
            assert 1 <= n <= len(ARTICLES) and stance in ("favor", "against"), (n, stance)
            writer.writerow([f"sample-{n:03d}", actor, target, stance, evidence])
    print(f"wrote {len(INTENDED_STANCES)} intended stances to {stances}")


if __name__ == "__main__":
    main()
