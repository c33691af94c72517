//! Analyze stage: reads a run's Parquet tables (lazily, only the columns and rows a
//! question needs) and compares actors. It never re-extracts or re-scores.
//!
//! [`compare`] answers with tables (stance matrix, tone, timelines) and [`report`]
//! draws them into one self-contained HTML file.

pub mod compare;
pub mod report;
pub mod stats;

use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use compare::{compare, CompareOptions, Comparison, GroupBy, Period};
pub use report::write_report;
pub use stats::Estimate;

#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(
        "{path}: not a stancemap run folder (no {table}.parquet): point --run at the --out folder of `stancemap run`"
    )]
    NotARun { path: PathBuf, table: &'static str },
    #[error("{path}: cannot read {table}: {source}")]
    Read {
        path: PathBuf,
        table: &'static str,
        #[source]
        source: PolarsError,
    },
    #[error("{path}: {table}.parquet has no column {column:?}: was it written by stancemap?")]
    Column {
        path: PathBuf,
        table: &'static str,
        column: &'static str,
    },
    #[error("{}: this run was scored before stance.parquet recorded which statements name their target, so --named-only cannot choose them; score the run again with this version (stancemap run into a new --out)", path.display())]
    NoTargetNamed { path: PathBuf },
    #[error("target {target:?} is not in this run; its targets are: {known}")]
    UnknownTarget { target: String, known: String },
    #[error("--diff: no {by} {group:?} in this run's scored statements; its {by}s include: {known}")]
    UnknownGroup {
        group: String,
        by: &'static str,
        known: String,
    },
    #[error("--since {since} is after --until {until}")]
    BadDates { since: String, until: String },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("cannot build table {table}: {source}")]
    Table {
        table: &'static str,
        #[source]
        source: PolarsError,
    },
}

/// The tables of one run folder.
#[derive(Debug, Clone)]
pub struct RunTables {
    pub dir: PathBuf,
}

impl RunTables {
    pub fn open(dir: &Path) -> Result<RunTables, AnalyzeError> {
        for table in ["statements", "articles", "actors"] {
            if !dir.join(format!("{table}.parquet")).is_file() {
                return Err(AnalyzeError::NotARun {
                    path: dir.to_path_buf(),
                    table,
                });
            }
        }
        Ok(RunTables { dir: dir.to_path_buf() })
    }

    pub fn has(&self, table: &str) -> bool {
        self.dir.join(format!("{table}.parquet")).is_file()
    }

    /// A lazy scan of one table, with only `columns`.
    pub fn scan(&self, table: &'static str, columns: &[&str]) -> Result<LazyFrame, AnalyzeError> {
        let path = self.dir.join(format!("{table}.parquet"));
        let frame =
            LazyFrame::scan_parquet(&path, ScanArgsParquet::default()).map_err(|source| AnalyzeError::Read {
                path: path.clone(),
                table,
                source,
            })?;
        Ok(frame.select(columns.iter().map(|c| col(*c)).collect::<Vec<_>>()))
    }

    /// Whether a table has a column (runs written before it was added do not).
    pub fn has_column(&self, table: &'static str, column: &str) -> Result<bool, AnalyzeError> {
        let path = self.dir.join(format!("{table}.parquet"));
        let read = |source| AnalyzeError::Read {
            path: path.clone(),
            table,
            source,
        };
        let schema = LazyFrame::scan_parquet(&path, ScanArgsParquet::default())
            .map_err(read)?
            .collect_schema()
            .map_err(read)?;
        Ok(schema.contains(column))
    }

    pub fn collect(&self, table: &'static str, frame: LazyFrame) -> Result<DataFrame, AnalyzeError> {
        frame.collect().map_err(|source| AnalyzeError::Read {
            path: self.dir.clone(),
            table,
            source,
        })
    }
}

/// Typed column access with the table named in errors.
pub(crate) struct Columns<'a> {
    pub frame: &'a DataFrame,
    pub dir: &'a Path,
    pub table: &'static str,
}

impl Columns<'_> {
    /// The error for a column that is missing or not of the type asked for.
    fn no_such_column(&self, name: &'static str) -> AnalyzeError {
        AnalyzeError::Column {
            path: self.dir.to_path_buf(),
            table: self.table,
            column: name,
        }
    }

    fn column(&self, name: &'static str) -> Result<&Column, AnalyzeError> {
        self.frame.column(name).map_err(|_| self.no_such_column(name))
    }

    pub fn strings(&self, name: &'static str) -> Result<Vec<Option<String>>, AnalyzeError> {
        let column = self.column(name)?;
        let values = column.str().map_err(|_| self.no_such_column(name))?;
        Ok(values.into_iter().map(|v| v.map(str::to_string)).collect())
    }

    pub fn floats(&self, name: &'static str) -> Result<Vec<Option<f64>>, AnalyzeError> {
        let column = self
            .column(name)?
            .cast(&DataType::Float64)
            .map_err(|source| AnalyzeError::Read {
                path: self.dir.to_path_buf(),
                table: self.table,
                source,
            })?;
        let values = column.f64().map_err(|source| AnalyzeError::Read {
            path: self.dir.to_path_buf(),
            table: self.table,
            source,
        })?;
        Ok(values.into_iter().collect())
    }

    pub fn bools(&self, name: &'static str) -> Result<Vec<Option<bool>>, AnalyzeError> {
        let column = self.column(name)?;
        let values = column.bool().map_err(|_| self.no_such_column(name))?;
        Ok(values.into_iter().collect())
    }

    pub fn ints(&self, name: &'static str) -> Result<Vec<Option<i64>>, AnalyzeError> {
        let column = self
            .column(name)?
            .cast(&DataType::Int64)
            .map_err(|source| AnalyzeError::Read {
                path: self.dir.to_path_buf(),
                table: self.table,
                source,
            })?;
        let values = column.i64().map_err(|source| AnalyzeError::Read {
            path: self.dir.to_path_buf(),
            table: self.table,
            source,
        })?;
        Ok(values.into_iter().collect())
    }
}

/// Days since 1970-01-01 as a date.
pub fn date_from_days(days: i64) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(days))
}

pub fn days_from_date(date: chrono::NaiveDate) -> i64 {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1).map_or(0, |epoch| (date - epoch).num_days())
}
