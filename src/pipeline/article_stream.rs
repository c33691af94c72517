//! The corpus as one stream of events in a fixed order: the articles this run owns
//! (the first of each id; a shard's share), and the records skipped on the way.
//!
//! Positions count events, and the order depends only on the inputs, so a resumed run
//! finds where it stopped by reading again up to the journal's position.

use std::collections::HashMap;

use crate::corpus::{Article, CorpusReader, InputSpec, ReadLimits, Skipped};

use crate::corpus::shard::{stable_hash, Shard};

#[derive(Debug)]
pub enum Event {
    Article {
        article: Article,
        input: usize,
    },
    /// A record that could not be used; `whole_file` when the input did not open.
    Skip {
        skip: Skipped,
        input: usize,
        whole_file: bool,
    },
}

pub struct ArticleStream<'a> {
    inputs: &'a [InputSpec],
    readers: &'a [Box<dyn CorpusReader>],
    limits: ReadLimits,
    shard: Option<Shard>,
    next_input: usize,
    current: Option<(usize, Box<dyn Iterator<Item = crate::corpus::Record> + 'a>)>,
    /// Hash of each article id seen → where it was first seen. A 64-bit hash keeps
    /// this at ~40 bytes an article; two ids sharing one is a 1-in-10^7 event at a
    /// million articles.
    seen: HashMap<u64, (usize, Option<u64>)>,
    position: u64,
    /// Input bytes of every article read (other shards' included), for progress.
    bytes_read: u64,
}

impl<'a> ArticleStream<'a> {
    /// `readers[i]` reads `inputs[i]`.
    pub fn new(
        inputs: &'a [InputSpec],
        readers: &'a [Box<dyn CorpusReader>],
        limits: ReadLimits,
        shard: Option<Shard>,
    ) -> Self {
        ArticleStream {
            inputs,
            readers,
            limits,
            shard,
            next_input: 0,
            current: None,
            seen: HashMap::new(),
            position: 0,
            bytes_read: 0,
        }
    }

    /// Events handed out so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn owns_skip(&self, skip: &Skipped) -> bool {
        self.shard.is_none_or(|shard| shard.owns_skip(skip))
    }

    /// The event a record makes, or None when it is another shard's.
    fn event_for(&mut self, input: usize, record: crate::corpus::Record) -> Option<Event> {
        match record {
            Err(skip) => self.owns_skip(&skip).then_some(Event::Skip {
                skip,
                input,
                whole_file: false,
            }),
            Ok(article) => {
                self.bytes_read += article.input_bytes;
                let hash = stable_hash(&article.id);
                if self.shard.is_some_and(|shard| !shard.owns_key(hash)) {
                    return None;
                }
                if let Some((first_input, first_line)) = self.seen.get(&hash) {
                    let file = self.inputs[*first_input].path.display().to_string();
                    let first = match first_line {
                        Some(line) => format!("{file}:{line}"),
                        None => file,
                    };
                    return Some(Event::Skip {
                        skip: Skipped {
                            file: article.origin_file.clone(),
                            line: article.origin_line,
                            article_id: Some(article.id.clone()),
                            reason: format!(
                                "duplicate article id, first seen at {first}: give each article its own id"
                            ),
                        },
                        input,
                        whole_file: false,
                    });
                }
                self.seen.insert(hash, (input, article.origin_line));
                Some(Event::Article { article, input })
            }
        }
    }
}

impl Iterator for ArticleStream<'_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        loop {
            if let Some((input, records)) = self.current.as_mut() {
                let input = *input;
                match records.next() {
                    Some(record) => {
                        if let Some(event) = self.event_for(input, record) {
                            self.position += 1;
                            return Some(event);
                        }
                        continue;
                    }
                    None => self.current = None,
                }
            }
            let input = self.next_input;
            let spec = self.inputs.get(input)?;
            let reader = self.readers.get(input)?;
            self.next_input += 1;
            match reader.read(&spec.path, self.limits) {
                Ok(records) => self.current = Some((input, records)),
                Err(e) => {
                    let file = spec.path.display().to_string();
                    let message = e.to_string();
                    let reason = message
                        .strip_prefix(&format!("{file}: "))
                        .unwrap_or(&message)
                        .to_string();
                    let skip = Skipped {
                        file,
                        line: None,
                        article_id: None,
                        reason,
                    };
                    if self.owns_skip(&skip) {
                        self.position += 1;
                        return Some(Event::Skip {
                            skip,
                            input,
                            whole_file: true,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::InputFormat;

    fn corpus(dir: &std::path::Path) -> Vec<InputSpec> {
        let a = dir.join("a.jsonl");
        let lines: Vec<String> = (0..40)
            .map(|n| format!(r#"{{"id": "a{n}", "text": "Text {n}."}}"#))
            .chain(["not json".to_string(), r#"{"id": "a3", "text": "Again."}"#.to_string()])
            .collect();
        std::fs::write(&a, lines.join("\n")).unwrap();
        vec![
            InputSpec {
                path: a,
                format: InputFormat::Jsonl,
            },
            InputSpec {
                path: dir.join("missing.jsonl"),
                format: InputFormat::Jsonl,
            },
        ]
    }

    fn events(inputs: &[InputSpec], shard: Option<Shard>) -> (Vec<String>, Vec<String>) {
        let readers: Vec<_> = inputs.iter().map(|i| i.format.reader()).collect();
        let mut articles = Vec::new();
        let mut skips = Vec::new();
        for event in ArticleStream::new(inputs, &readers, ReadLimits::default(), shard) {
            match event {
                Event::Article { article, .. } => articles.push(article.id),
                Event::Skip { skip, .. } => skips.push(skip.to_string()),
            }
        }
        (articles, skips)
    }

    #[test]
    fn duplicates_bad_lines_and_missing_files_are_events_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = corpus(dir.path());
        let (articles, skips) = events(&inputs, None);
        assert_eq!(articles.len(), 40);
        assert_eq!(skips.len(), 3, "{skips:?}");
        assert!(skips[0].contains("a.jsonl:41"), "{skips:?}");
        assert!(skips[1].contains("duplicate article id, first seen at") && skips[1].contains("a.jsonl:4"));
        assert!(skips[2].contains("missing.jsonl"));
    }

    #[test]
    fn shards_partition_articles_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = corpus(dir.path());
        let (all_articles, all_skips) = events(&inputs, None);
        let mut articles = Vec::new();
        let mut skips = Vec::new();
        for index in 0..3 {
            let (a, s) = events(&inputs, Some(Shard { index, count: 3 }));
            assert!(!a.is_empty() && a.len() < 40, "{a:?}");
            articles.extend(a);
            skips.extend(s);
        }
        articles.sort();
        skips.sort();
        let (mut expected_articles, mut expected_skips) = (all_articles, all_skips);
        expected_articles.sort();
        expected_skips.sort();
        assert_eq!(articles, expected_articles);
        assert_eq!(skips, expected_skips);
    }
}
