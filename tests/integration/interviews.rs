//! Interviews in real news (../shared/data/news/wikinews_2019.csv): Wikinews' own
//! interview with Natasha Gownaris labels its questions `((Wikinews))` / `((WN))`
//! and her answers `Natasha Gownaris:` then `NG:`; its interview with Adam Kokesh
//! kept only the questions. Answers must be the interviewee's direct statements, no
//! question anybody's statement; on both the rules and the default (hybrid)
//! extractor.

use polars::prelude::*;

use crate::common::*;

#[test]
fn answers_go_to_the_interviewee_and_questions_to_nobody() {
    let Some(csv) = shared_data("news/wikinews_2019.csv") else {
        eprintln!("skipped: ../shared/data/news/wikinews_2019.csv is absent");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (extractor, extra) in [("rules", vec!["--no-models"]), ("hybrid", vec!["--no-scores"])] {
        let out = dir.path().join(extractor);
        let mut args = vec![
            "run",
            "--quiet",
            "--threads",
            "2",
            "--input",
            csv.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--extractor",
            extractor,
        ];
        args.extend(extra);
        let output = run(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let articles = read_table(&out, "articles.parquet");
        let statements = read_table(&out, "statements.parquet");
        let titles = strings(&articles, "title");
        let ids = strings(&articles, "article_id");
        let texts = strings(&articles, "text");
        let article = |title_part: &str| -> (String, String) {
            let i = titles
                .iter()
                .position(|t| t.as_deref().is_some_and(|t| t.contains(title_part)))
                .unwrap_or_else(|| panic!("no article titled …{title_part}…"));
            (ids[i].clone().unwrap(), texts[i].clone().unwrap())
        };
        let of_article = |id: &str| {
            statements
                .clone()
                .lazy()
                .filter(col("article_id").eq(lit(id.to_string())))
                .collect()
                .unwrap()
        };
        for title in ["Gownaris", "Kokesh"] {
            let (id, text) = article(title);
            let rows = of_article(&id);
            // Question lines, as character ranges of the article text (the tables'
            // offsets are characters).
            let mut questions = Vec::new();
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                let chars = line.chars().count();
                if line.trim_start().starts_with("((") {
                    questions.push((offset, offset + chars));
                }
                offset += chars;
            }
            let chars: Vec<char> = text.chars().collect();
            assert!(questions.len() >= 8, "{title}: {} question lines", questions.len());
            let starts = rows.column("content_start").unwrap().cast(&DataType::Int64).unwrap();
            let ends = rows.column("content_end").unwrap().cast(&DataType::Int64).unwrap();
            let starts = starts.i64().unwrap();
            let ends = ends.i64().unwrap();
            for (i, (start, end)) in starts.into_iter().zip(ends.into_iter()).enumerate() {
                let (start, end) = (start.unwrap() as usize, end.unwrap() as usize);
                assert!(
                    !questions.iter().any(|&(qs, qe)| start < qe && qs < end),
                    "{extractor}, {title}: statement {i} lies in a question: {:?}",
                    chars[start..end].iter().collect::<String>()
                );
            }
            if title == "Gownaris" {
                let kinds = strings(&rows, "kind");
                let actors = strings(&rows, "actor_id");
                let answers: Vec<usize> = strings(&rows, "speaker_text")
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| matches!(s.as_deref(), Some("NG" | "Natasha Gownaris")))
                    .map(|(i, _)| i)
                    .collect();
                assert!(answers.len() >= 10, "{extractor}: {} answers", answers.len());
                for i in answers {
                    assert_eq!(actors[i].as_deref(), Some("natasha_gownaris"), "{extractor}");
                    assert_eq!(kinds[i].as_deref(), Some("direct"), "{extractor}");
                }
            }
        }
    }
}
