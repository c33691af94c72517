//! Compressed inputs: `NAME.jsonl.gz`, `NAME.jsonl.zst`, `NAME.csv.gz` and the like are
//! read as their plain form, streamed (never unpacked to disk or memory).
//!
//! The format comes from the name without the compression suffix. Line numbers in
//! skipped-record notes count lines of the plain text, as a user sees it after `zcat`.
//! Progress counts compressed bytes, so that a run's bar ends at the files' sizes.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::CorpusError;

/// How a file is compressed, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Plain,
    /// `.gz`: gzip, several concatenated members too (as `cat a.gz b.gz` makes).
    Gzip,
    /// `.zst` / `.zstd`: Zstandard, several frames too.
    Zstd,
}

impl Compression {
    pub fn for_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".gz") {
            Compression::Gzip
        } else if lower.ends_with(".zst") || lower.ends_with(".zstd") {
            Compression::Zstd
        } else {
            Compression::Plain
        }
    }

    /// The name without the compression suffix (`news.jsonl.gz` → `news.jsonl`).
    pub fn plain_name(name: &str) -> &str {
        match Compression::for_name(name) {
            Compression::Plain => name,
            _ => name.rsplit_once('.').map_or(name, |(stem, _)| stem),
        }
    }
}

/// Bytes read so far from the file itself (compressed bytes for a compressed file).
#[derive(Debug, Clone, Default)]
pub struct BytesRead(Arc<AtomicU64>);

impl BytesRead {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct Counting<R> {
    inner: R,
    count: BytesRead,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An input file as a stream of its plain bytes, with a counter of the file bytes
/// read (None for a plain file, whose records' own sizes already are file bytes).
pub fn open(path: &Path) -> Result<(Box<dyn Read + Send>, Option<BytesRead>), CorpusError> {
    let file = File::open(path).map_err(|source| CorpusError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let count = BytesRead::default();
    let counted = |file: File| {
        BufReader::with_capacity(
            1 << 16,
            Counting {
                inner: file,
                count: count.clone(),
            },
        )
    };
    let plain: Box<dyn Read + Send> = match Compression::for_name(&name) {
        Compression::Plain => return Ok((Box::new(file), None)),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(counted(file))),
        Compression::Zstd => Box::new(
            zstd::Decoder::with_buffer(counted(file)).map_err(|source| CorpusError::Io {
                path: path.to_path_buf(),
                source,
            })?,
        ),
    };
    Ok((plain, Some(count)))
}

/// Sizes of records in input bytes: a plain file's records count their own bytes; a
/// compressed file's count the compressed bytes read since the previous record.
pub struct RecordSizes {
    counter: Option<BytesRead>,
    reported: u64,
}

impl RecordSizes {
    pub fn new(counter: Option<BytesRead>) -> Self {
        RecordSizes { counter, reported: 0 }
    }

    pub fn next(&mut self, plain_bytes: u64) -> u64 {
        match &self.counter {
            None => plain_bytes,
            Some(counter) => {
                let now = counter.get();
                let size = now.saturating_sub(self.reported);
                self.reported = now;
                size
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn names_give_compression_and_plain_name() {
        assert_eq!(Compression::for_name("a.jsonl.gz"), Compression::Gzip);
        assert_eq!(Compression::for_name("A.CSV.ZST"), Compression::Zstd);
        assert_eq!(Compression::for_name("a.jsonl"), Compression::Plain);
        assert_eq!(Compression::plain_name("news.jsonl.gz"), "news.jsonl");
        assert_eq!(Compression::plain_name("news.csv.zstd"), "news.csv");
        assert_eq!(Compression::plain_name("news.csv"), "news.csv");
    }

    #[test]
    fn gzip_members_and_zstd_frames_read_back_whole_and_count_file_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("t.jsonl.gz");
        let mut members = Vec::new();
        for part in ["first\n", "second\n"] {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(part.as_bytes()).unwrap();
            members.extend(encoder.finish().unwrap());
        }
        std::fs::write(&gz, &members).unwrap();
        let zst = dir.path().join("t.jsonl.zst");
        let mut frames = zstd::encode_all("first\n".as_bytes(), 3).unwrap();
        frames.extend(zstd::encode_all("second\n".as_bytes(), 3).unwrap());
        std::fs::write(&zst, &frames).unwrap();
        for (path, size) in [(&gz, members.len()), (&zst, frames.len())] {
            let (mut plain, counter) = open(path).unwrap();
            let mut text = String::new();
            plain.read_to_string(&mut text).unwrap();
            assert_eq!(text, "first\nsecond\n", "{}", path.display());
            assert_eq!(counter.unwrap().get(), size as u64);
        }
    }

    #[test]
    fn a_corrupt_file_is_an_error_while_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.jsonl.gz");
        std::fs::write(&path, b"not gzip at all").unwrap();
        let (mut plain, _) = open(&path).unwrap();
        assert!(plain.read_to_end(&mut Vec::new()).is_err());
    }
}
