//! `stancemap report`: one self-contained HTML file (inline SVG, CSS and a few lines
//! of script; nothing fetched) with the stance heatmap, tone by group with
//! intervals, timelines and a searchable table of statements.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::path::Path;

use polars::prelude::*;

use super::compare::{Comparison, TimelinePoint, CHANGE_TARGETS_NOTE};
use super::{date_from_days, AnalyzeError, Columns, RunTables};

/// Report options beyond the comparison's.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Statements listed in the table at most (the newest first).
    pub max_statements: usize,
    /// Groups drawn in the heatmap and timelines at most (those with most statements).
    pub max_groups: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            max_statements: 5000,
            max_groups: 12,
        }
    }
}

/// One statement as the table shows it.
struct StatementView {
    id: String,
    article_id: String,
    title: String,
    date: String,
    source: String,
    speaker: String,
    actor: String,
    cue: String,
    kind: String,
    before: String,
    quote: String,
    after: String,
    content_start: i64,
    content_end: i64,
    tone: Option<(String, f64)>,
    stance: Vec<(String, f64, String)>,
}

pub fn write_report(
    run: &Path,
    comparison: &Comparison,
    out: &Path,
    options: &ReportOptions,
) -> Result<(), AnalyzeError> {
    let tables = RunTables::open(run)?;
    let statements = statement_views(&tables, options.max_statements)?;
    let total_statements = {
        let frame = tables.collect(
            "statements",
            tables.scan("statements", &["statement_id"])?.select([len().alias("n")]),
        )?;
        Columns {
            frame: &frame,
            dir: run,
            table: "statements",
        }
        .ints("n")?
        .first()
        .copied()
        .flatten()
        .unwrap_or(0)
    };
    let manifest: serde_json::Value = std::fs::read_to_string(run.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    let html = render(comparison, &statements, total_statements, &manifest, options);
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| crate::output::OutputError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    crate::output::write_text(out, &html)?;
    Ok(())
}

fn statement_views(tables: &RunTables, limit: usize) -> Result<Vec<StatementView>, AnalyzeError> {
    let dir = tables.dir.as_path();
    let statements = tables
        .scan(
            "statements",
            &[
                "statement_id",
                "article_id",
                "actor_id",
                "speaker_text",
                "cue",
                "kind",
                "content_start",
                "content_end",
                "sentence_start",
                "sentence_end",
            ],
        )?
        .join(
            tables
                .scan("articles", &["article_id", "title", "date", "source"])?
                .with_column(col("date").cast(DataType::Int32).cast(DataType::Int64).alias("days")),
            [col("article_id")],
            [col("article_id")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            tables.scan("actors", &["actor_id", "name"])?,
            [col("actor_id")],
            [col("actor_id")],
            JoinArgs::new(JoinType::Left),
        )
        .sort_by_exprs(
            [col("days"), col("article_id"), col("content_start")],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false, false])
                .with_nulls_last(true),
        )
        .limit(limit as IdxSize);
    let frame = tables.collect("statements", statements)?;
    let c = Columns {
        frame: &frame,
        dir,
        table: "statements",
    };
    let ids = c.strings("statement_id")?;
    let articles = c.strings("article_id")?;
    // Only the texts of the articles shown.
    let wanted = DataFrame::new(vec![Column::new("article_id".into(), articles.clone())])
        .map_err(|source| AnalyzeError::Table {
            table: "report",
            source,
        })?
        .lazy()
        .unique(None, UniqueKeepStrategy::First);
    let texts_frame = tables.collect(
        "articles",
        tables.scan("articles", &["article_id", "text"])?.join(
            wanted,
            [col("article_id")],
            [col("article_id")],
            JoinArgs::new(JoinType::Inner),
        ),
    )?;
    let t = Columns {
        frame: &texts_frame,
        dir,
        table: "articles",
    };
    let texts: HashMap<String, Vec<char>> = t
        .strings("article_id")?
        .into_iter()
        .zip(t.strings("text")?)
        .filter_map(|(id, text)| Some((id?, text?.chars().collect())))
        .collect();

    let mut tone: HashMap<String, (String, f64)> = HashMap::new();
    if tables.has("tone") {
        let f = tables.collect("tone", tables.scan("tone", &["statement_id", "label", "tone_score"])?)?;
        let c = Columns {
            frame: &f,
            dir,
            table: "tone",
        };
        for ((id, label), score) in c
            .strings("statement_id")?
            .into_iter()
            .zip(c.strings("label")?)
            .zip(c.floats("tone_score")?)
        {
            if let (Some(id), Some(label), Some(score)) = (id, label, score) {
                tone.insert(id, (label, score));
            }
        }
    }
    let mut stance: HashMap<String, Vec<(String, f64, String)>> = HashMap::new();
    if tables.has("stance") {
        let f = tables.collect(
            "stance",
            tables
                .scan(
                    "stance",
                    &["statement_id", "target_id", "label", "p_favor", "p_against"],
                )?
                .with_column(
                    (col("p_favor").cast(DataType::Float64) - col("p_against").cast(DataType::Float64)).alias("value"),
                ),
        )?;
        let c = Columns {
            frame: &f,
            dir,
            table: "stance",
        };
        let rows = c
            .strings("statement_id")?
            .into_iter()
            .zip(c.strings("target_id")?)
            .zip(c.floats("value")?)
            .zip(c.strings("label")?);
        for (((id, target), value), label) in rows {
            if let (Some(id), Some(target), Some(value), Some(label)) = (id, target, value, label) {
                stance.entry(id).or_default().push((target, value, label));
            }
        }
    }

    let strings = |name| c.strings(name);
    let (actor_ids, speakers, cues, kinds, titles, sources, names) = (
        strings("actor_id")?,
        strings("speaker_text")?,
        strings("cue")?,
        strings("kind")?,
        strings("title")?,
        strings("source")?,
        strings("name")?,
    );
    let (cs, ce, ss, se, days) = (
        c.ints("content_start")?,
        c.ints("content_end")?,
        c.ints("sentence_start")?,
        c.ints("sentence_end")?,
        c.ints("days")?,
    );
    let mut views = Vec::with_capacity(frame.height());
    for i in 0..frame.height() {
        let id = ids[i].clone().unwrap_or_default();
        let article_id = articles[i].clone().unwrap_or_default();
        let text = texts.get(&article_id).map(Vec::as_slice).unwrap_or(&[]);
        let slice = |a: i64, b: i64| -> String {
            let (a, b) = (
                a.clamp(0, text.len() as i64) as usize,
                b.clamp(0, text.len() as i64) as usize,
            );
            if a < b {
                text[a..b].iter().collect()
            } else {
                String::new()
            }
        };
        let (content_start, content_end) = (cs[i].unwrap_or(0), ce[i].unwrap_or(0));
        // The quote inside its sentence; a quote running past the sentence shows whole.
        let sentence_start = ss[i].unwrap_or(content_start).min(content_start);
        let sentence_end = se[i].unwrap_or(content_end).max(content_end);
        let mut stance_cells = stance.remove(&id).unwrap_or_default();
        stance_cells.sort_by(|a, b| a.0.cmp(&b.0));
        views.push(StatementView {
            title: titles[i].clone().unwrap_or_default(),
            date: days[i]
                .and_then(date_from_days)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            source: sources[i].clone().unwrap_or_default(),
            speaker: speakers[i].clone().unwrap_or_default(),
            actor: names[i].clone().or_else(|| actor_ids[i].clone()).unwrap_or_default(),
            cue: cues[i].clone().unwrap_or_default(),
            kind: kinds[i].clone().unwrap_or_default(),
            before: slice(sentence_start, content_start),
            quote: slice(content_start, content_end),
            after: slice(content_end, sentence_end),
            content_start,
            content_end,
            tone: tone.get(&id).cloned(),
            stance: stance_cells,
            id,
            article_id,
        });
    }
    Ok(views)
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Diverging colour for a value in [−1, 1]: red against, white neutral, blue favour.
fn colour(value: f64) -> String {
    let v = value.clamp(-1.0, 1.0);
    let (r, g, b) = if v >= 0.0 {
        (
            255.0 - v * (255.0 - 33.0),
            255.0 - v * (255.0 - 102.0),
            255.0 - v * (255.0 - 172.0),
        )
    } else {
        let v = -v;
        (
            255.0 - v * (255.0 - 178.0),
            255.0 - v * (255.0 - 24.0),
            255.0 - v * (255.0 - 43.0),
        )
    };
    format!("rgb({:.0},{:.0},{:.0})", r, g, b)
}

const PALETTE: [&str; 12] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4", "#b15928",
    "#6a3d9a", "#33a02c",
];

fn render(
    c: &Comparison,
    statements: &[StatementView],
    total: i64,
    manifest: &serde_json::Value,
    options: &ReportOptions,
) -> String {
    let mut h = String::new();
    let by = c.options.by.as_str();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>stancemap report</title><style>{CSS}</style></head><body>\n"
    );
    let _ = write!(
        h,
        "<header><h1>Who said what, and how</h1><p class=\"meta\">Run <code>{}</code>",
        escape(&c.run)
    );
    if let Some(counts) = manifest.get("counts") {
        let _ = write!(
            h,
            " · {} articles · {} statements · {} actors",
            counts.get("articles").and_then(|v| v.as_u64()).unwrap_or(0),
            counts.get("statements").and_then(|v| v.as_u64()).unwrap_or(0),
            counts.get("actors").and_then(|v| v.as_u64()).unwrap_or(0)
        );
    }
    if let Some(models) = manifest.get("models").and_then(|m| m.as_array()) {
        let names: Vec<String> = models
            .iter()
            .filter_map(|m| Some(format!("{} ({})", m.get("name")?.as_str()?, m.get("task")?.as_str()?)))
            .collect();
        if !names.is_empty() {
            let _ = write!(h, " · models: {}", escape(&names.join(", ")));
        }
    }
    let _ = write!(
        h,
        "</p><p class=\"meta\">Grouped by {by}. Intervals: {}. Cells with fewer than {} statements are hatched and marked “few”.</p>",
        escape(&c.interval),
        c.options.min_n
    );
    if !c.targets_naming_a_change.is_empty() {
        let _ = write!(
            h,
            "<p class=\"meta\">{}: {}.</p>",
            escape(CHANGE_TARGETS_NOTE),
            escape(&c.targets_naming_a_change.join(", "))
        );
    }
    h.push_str("</header>\n");
    let groups: Vec<&String> = c.groups.iter().take(options.max_groups).collect();
    heatmap(&mut h, c, &groups);
    tone_chart(&mut h, c, &groups);
    timelines(&mut h, c, &groups);
    statement_table(&mut h, c, statements, total);
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body></html>\n");
    h
}

fn heatmap(h: &mut String, c: &Comparison, groups: &[&String]) {
    let _ = write!(
        h,
        "<section id=\"heatmap\"><h2>Stance by {} and target</h2>",
        c.options.by.as_str()
    );
    if !c.has_stance || c.targets.is_empty() {
        h.push_str("<p class=\"empty\">No stance scores in this run (no stance model or no targets in the study).</p></section>\n");
        return;
    }
    let cells: HashMap<(&str, &str), _> = c
        .stance
        .iter()
        .map(|s| ((s.group.as_str(), s.target_id.as_str()), s))
        .collect();
    let rows: Vec<&&String> = groups
        .iter()
        .filter(|g| c.targets.iter().any(|t| cells.contains_key(&(g.as_str(), t.as_str()))))
        .collect();
    let names: HashMap<&str, &str> = c
        .stance
        .iter()
        .map(|s| (s.group.as_str(), s.group_name.as_str()))
        .collect();
    let (label_w, cell_w, cell_h, head_h) = (190.0, 118.0, 34.0, 44.0);
    let width = label_w + cell_w * c.targets.len() as f64 + 10.0;
    let height = head_h + cell_h * rows.len() as f64 + 50.0;
    let _ = write!(h, "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-label=\"stance heatmap\">");
    h.push_str("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#888\" stroke-width=\"1\"/></pattern></defs>");
    for (j, target) in c.targets.iter().enumerate() {
        let x = label_w + cell_w * j as f64 + cell_w / 2.0;
        // Long target names wrap onto two lines at the space nearest the middle.
        let name = target.replace('_', " ");
        let middle = name.len() / 2;
        let split = (name.len() > 14)
            .then(|| {
                name.match_indices(' ')
                    .map(|(i, _)| i)
                    .min_by_key(|i| i.abs_diff(middle))
            })
            .flatten();
        let lines: Vec<&str> = match split {
            Some(i) => vec![&name[..i], &name[i + 1..]],
            None => vec![&name],
        };
        let top = head_h - 8.0 - 13.0 * (lines.len() as f64 - 1.0);
        let _ = write!(h, "<text y=\"{top}\" class=\"colhead\" text-anchor=\"middle\">");
        for (k, line) in lines.iter().enumerate() {
            let dy = if k == 0 { 0.0 } else { 13.0 };
            let _ = write!(h, "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>", escape(line));
        }
        h.push_str("</text>");
    }
    for (i, group) in rows.iter().enumerate() {
        let y = head_h + cell_h * i as f64;
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"rowhead\">{}</text>",
            label_w - 8.0,
            y + cell_h / 2.0 + 4.0,
            escape(names.get(group.as_str()).copied().unwrap_or(group))
        );
        for (j, target) in c.targets.iter().enumerate() {
            let x = label_w + cell_w * j as f64;
            match cells.get(&(group.as_str(), target.as_str())) {
                Some(cell) => {
                    let e = &cell.estimate;
                    let _ = write!(
                        h,
                        "<g class=\"cell\" data-group=\"{}\" data-target=\"{}\" data-mean=\"{:.4}\" data-n=\"{}\"><title>{}: {} — mean {:+.3}, 95% [{:+.3}, {:+.3}], n = {} (favor {}, against {}, none {}{})</title>\
                         <rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#fff\"/>",
                        escape(group), escape(target), e.mean, e.n, escape(&cell.group_name), escape(target), e.mean, e.ci_low, e.ci_high, e.n, cell.favor, cell.against, cell.none,
                        cell.named.map_or(String::new(), |k| format!("; {k} name the target")),
                        cell_w - 2.0, cell_h - 2.0, colour(e.mean)
                    );
                    if cell.sparse {
                        let _ = write!(h, "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"url(#hatch)\" opacity=\"0.5\"/>", cell_w - 2.0, cell_h - 2.0);
                    }
                    let ink = if e.mean.abs() > 0.55 { "#fff" } else { "#111" };
                    let _ = write!(
                        h,
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\" class=\"cellval\">{:+.2} <tspan class=\"n\">n={}{}</tspan></text></g>",
                        x + cell_w / 2.0 - 1.0, y + cell_h / 2.0 + 4.0, e.mean, e.n, if cell.sparse { " few" } else { "" }
                    );
                }
                None => {
                    let _ = write!(
                        h,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"#f3f3f3\" stroke=\"#fff\"/>",
                        cell_w - 2.0,
                        cell_h - 2.0
                    );
                }
            }
        }
    }
    // Legend: against … favour.
    let ly = head_h + cell_h * rows.len() as f64 + 16.0;
    for k in 0..=20 {
        let v = -1.0 + k as f64 * 0.1;
        let _ = write!(
            h,
            "<rect x=\"{}\" y=\"{ly}\" width=\"10\" height=\"12\" fill=\"{}\"/>",
            label_w + k as f64 * 10.0,
            colour(v)
        );
    }
    let _ = write!(
        h,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"legend\">against −1</text><text x=\"{}\" y=\"{}\" class=\"legend\">+1 favour</text></svg>",
        label_w - 6.0, ly + 10.0, label_w + 216.0, ly + 10.0
    );
    h.push_str("<p class=\"note\">Each cell: mean of p(favor) − p(against) over the group's statements toward the target (hover for the interval and counts, and how many of the statements name the target: the models read little where a statement only implies its side).</p></section>\n");
}

fn x_of(v: f64, left: f64, width: f64) -> f64 {
    left + (v.clamp(-1.0, 1.0) + 1.0) / 2.0 * width
}

fn tone_chart(h: &mut String, c: &Comparison, groups: &[&String]) {
    let _ = write!(h, "<section id=\"tone\"><h2>Tone by {}</h2>", c.options.by.as_str());
    let cells: Vec<_> = c.tone.iter().filter(|t| groups.contains(&&t.group)).collect();
    if cells.is_empty() {
        h.push_str("<p class=\"empty\">No tone scores in this run.</p></section>\n");
        return;
    }
    let mut cells = cells;
    cells.sort_by(|a, b| b.estimate.mean.total_cmp(&a.estimate.mean));
    let (label_w, plot_w, row_h) = (190.0, 420.0, 24.0);
    let height = 30.0 + row_h * cells.len() as f64 + 24.0;
    let width = label_w + plot_w + 120.0;
    let _ = write!(h, "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-label=\"tone by group\">");
    for v in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let x = x_of(v, label_w, plot_w);
        let _ = write!(h, "<line x1=\"{x}\" x2=\"{x}\" y1=\"20\" y2=\"{}\" class=\"{}\"/><text x=\"{x}\" y=\"14\" text-anchor=\"middle\" class=\"legend\">{v:+.1}</text>", height - 20.0, if v == 0.0 { "axis0" } else { "grid" });
    }
    for (i, t) in cells.iter().enumerate() {
        let y = 30.0 + row_h * i as f64 + row_h / 2.0;
        let e = &t.estimate;
        let _ = write!(
            h,
            "<g class=\"tone-row\"><title>{}: mean {:+.3}, 95% [{:+.3}, {:+.3}], n = {} (positive {}, neutral {}, negative {})</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"rowhead\">{}</text>\
             <line x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" class=\"whisker\"/><circle cx=\"{}\" cy=\"{y}\" r=\"5\" fill=\"{}\" class=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"legend\">{:+.2} (n={}{})</text></g>",
            escape(&t.group_name), e.mean, e.ci_low, e.ci_high, e.n, t.positive, t.neutral, t.negative,
            label_w - 8.0, y + 4.0, escape(&t.group_name),
            x_of(e.ci_low, label_w, plot_w), x_of(e.ci_high, label_w, plot_w), x_of(e.mean, label_w, plot_w), colour(e.mean * 2.0), if t.sparse { "sparse" } else { "" },
            label_w + plot_w + 8.0, y + 4.0, e.mean, e.n, if t.sparse { ", few" } else { "" }
        );
    }
    h.push_str("</svg><p class=\"note\">Dot: mean tone_score = p(positive) − p(negative); bar: 95% interval. Hollow dots: few statements.</p></section>\n");
}

fn timelines(h: &mut String, c: &Comparison, groups: &[&String]) {
    let _ = write!(
        h,
        "<section id=\"timeline\"><h2>Over time, by {}</h2>",
        c.options.every.as_str()
    );
    let mut measures: BTreeMap<(bool, String), Vec<&TimelinePoint>> = BTreeMap::new();
    for p in &c.timeline {
        if groups.contains(&&p.group) {
            measures
                .entry((p.measure != "tone", p.measure.clone()))
                .or_default()
                .push(p);
        }
    }
    if measures.is_empty() {
        h.push_str("<p class=\"empty\">No dated, scored statements to draw.</p></section>\n");
        return;
    }
    let mut periods: Vec<chrono::NaiveDate> = c.timeline.iter().map(|p| p.period_start).collect();
    periods.sort();
    periods.dedup();
    let colour_of: HashMap<&String, &str> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (*g, PALETTE[i % PALETTE.len()]))
        .collect();
    let names: HashMap<&String, &String> = c.timeline.iter().map(|p| (&p.group, &p.group_name)).collect();
    // Legend once, for all panels.
    h.push_str("<p class=\"legend-row\">");
    for g in groups.iter().filter(|g| names.contains_key(*g)) {
        let _ = write!(
            h,
            "<span><i style=\"background:{}\"></i>{}</span>",
            colour_of[*g],
            escape(names[*g])
        );
    }
    h.push_str("</p><div class=\"panels\">");
    let (w, ht, left, top, bottom) = (360.0, 200.0, 34.0, 12.0, 30.0);
    let plot_w = w - left - 28.0;
    let plot_h = ht - top - bottom;
    let xs = |d: &chrono::NaiveDate| -> f64 {
        let i = periods.iter().position(|p| p == d).unwrap_or(0) as f64;
        left + if periods.len() > 1 {
            i / (periods.len() - 1) as f64 * plot_w
        } else {
            plot_w / 2.0
        }
    };
    let ys = |v: f64| top + (1.0 - (v.clamp(-1.0, 1.0) + 1.0) / 2.0) * plot_h;
    for ((_, measure), points) in &measures {
        let title = if measure == "tone" {
            "Tone".to_string()
        } else {
            format!("Stance: {}", measure.replace('_', " "))
        };
        let _ = write!(h, "<figure class=\"panel\" data-measure=\"{}\"><figcaption>{}</figcaption><svg viewBox=\"0 0 {w} {ht}\" width=\"{w}\" role=\"img\" aria-label=\"{}\">", escape(measure), escape(&title), escape(&title));
        for v in [-1.0, 0.0, 1.0] {
            let _ = write!(h, "<line x1=\"{left}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" class=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"legend\">{v:+.0}</text>", left + plot_w, ys(v), ys(v), if v == 0.0 { "axis0" } else { "grid" }, left - 4.0, ys(v) + 4.0);
        }
        let step = (periods.len() / 4).max(1);
        for (i, p) in periods.iter().enumerate().step_by(step) {
            let _ = write!(
                h,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"legend\">{}</text>",
                xs(p),
                ht - 10.0,
                p.format("%b %d")
            );
            let _ = i;
        }
        let mut by_group: BTreeMap<usize, Vec<&&TimelinePoint>> = BTreeMap::new();
        for p in points {
            if let Some(i) = groups.iter().position(|g| **g == p.group) {
                by_group.entry(i).or_default().push(p);
            }
        }
        for (i, pts) in by_group {
            let colour = PALETTE[i % PALETTE.len()];
            let path: Vec<String> = pts
                .iter()
                .map(|p| format!("{:.1},{:.1}", xs(&p.period_start), ys(p.estimate.mean)))
                .collect();
            let _ = write!(
                h,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" class=\"series\"/>",
                path.join(" ")
            );
            for p in pts {
                let _ = write!(
                    h,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"1.5\"><title>{} · week of {}: {:+.3} [{:+.3}, {:+.3}], n = {}</title></circle>",
                    xs(&p.period_start), ys(p.estimate.mean), if p.sparse { "#fff" } else { colour },
                    escape(&p.group_name), p.period_start, p.estimate.mean, p.estimate.ci_low, p.estimate.ci_high, p.estimate.n
                );
            }
        }
        h.push_str("</svg></figure>");
    }
    h.push_str("</div><p class=\"note\">Mean per period; hollow points rest on few statements.</p></section>\n");
}

fn statement_table(h: &mut String, c: &Comparison, statements: &[StatementView], total: i64) {
    let _ = write!(
        h,
        "<section id=\"statements\"><h2>Statements</h2><div class=\"search\"><label for=\"q\">Search</label> \
         <input id=\"q\" type=\"search\" placeholder=\"speaker, words, source…\" autocomplete=\"off\"> \
         <span class=\"count\"><span id=\"shown\">{}</span> of {} shown{}</span></div>",
        statements.len(),
        statements.len(),
        if (statements.len() as i64) < total {
            format!(" (the newest {} of {total} statements)", statements.len())
        } else {
            String::new()
        }
    );
    let targets = &c.targets;
    h.push_str("<table id=\"statement-table\"><thead><tr><th>Date</th><th>Speaker</th><th>Statement in its sentence</th><th>Cue</th><th>Tone</th>");
    if !targets.is_empty() {
        h.push_str("<th>Stance (favor − against)</th>");
    }
    h.push_str("<th>Source</th></tr></thead><tbody>\n");
    for s in statements {
        let search = format!(
            "{} {} {} {} {} {} {} {}",
            s.actor, s.speaker, s.cue, s.quote, s.before, s.after, s.source, s.title
        )
        .to_lowercase();
        let _ = write!(
            h,
            "<tr data-search=\"{}\" data-statement=\"{}\"><td class=\"nowrap\">{}</td><td><b>{}</b><br><span class=\"small\">{}</span></td>\
             <td class=\"quote\">{}<mark class=\"{}\">{}</mark>{}</td><td class=\"small\">{}<br><span class=\"kind\">{}</span></td>",
            escape(&search), escape(&s.id), escape(&s.date), escape(&s.actor), escape(&s.speaker),
            escape(&s.before), escape(&s.kind), escape(&s.quote), escape(&s.after), escape(&s.cue), escape(&s.kind)
        );
        match &s.tone {
            Some((label, score)) => {
                let _ = write!(
                    h,
                    "<td class=\"nowrap\"><span class=\"chip\" style=\"background:{}\">{:+.2}</span> {}</td>",
                    colour(*score),
                    score,
                    escape(label)
                );
            }
            None => h.push_str("<td>—</td>"),
        }
        if !targets.is_empty() {
            h.push_str("<td class=\"stances\">");
            for (target, value, label) in &s.stance {
                let _ = write!(
                    h,
                    "<span class=\"chip\" style=\"background:{}\" title=\"{}: {}\">{} {:+.2}</span> ",
                    colour(*value),
                    escape(target),
                    escape(label),
                    escape(&target.replace('_', " ")),
                    value
                );
            }
            h.push_str("</td>");
        }
        let _ = write!(
            h,
            "<td class=\"small\">{}<br><span title=\"{}\">{}</span> <code>{}–{}</code></td></tr>\n",
            escape(&s.source),
            escape(&s.title),
            escape(&s.article_id),
            s.content_start,
            s.content_end
        );
    }
    h.push_str("</tbody></table></section>\n");
}

const CSS: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;max-width:1180px;margin:0 auto;padding:16px 20px 60px;background:#fff}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555;margin:2px 0}.note{color:#666;font-size:12px;margin:4px 0}.empty{color:#888;font-style:italic}
svg.chart{max-width:100%;height:auto}.colhead{font-size:12px;font-weight:600}.rowhead{font-size:12.5px}.cellval{font-size:13px;font-weight:600}
.n{font-size:10px;font-weight:400}.legend{font-size:10.5px;fill:#555}.grid{stroke:#e5e5e5}.axis0{stroke:#999}
.whisker{stroke:#444;stroke-width:2}circle.sparse{fill:#fff;stroke:#444;stroke-width:1.5}
.panels{display:flex;flex-wrap:wrap;gap:12px}.panel{margin:0;border:1px solid #eee;border-radius:6px;padding:6px}
.panel figcaption{font-weight:600;font-size:13px}.legend-row span{margin-right:14px;font-size:12.5px;white-space:nowrap}
.legend-row i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.search{position:sticky;top:0;background:#fff;padding:8px 0;z-index:1}.search input{font-size:14px;padding:5px 8px;width:340px;max-width:70%}
.count{color:#666;margin-left:10px}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:6px 6px;vertical-align:top;text-align:left}
th{font-size:12px;color:#444;background:#fafafa}.quote{max-width:460px}mark{background:#fff3b0;padding:0 1px}mark.direct{background:#ffe07a}
.small{font-size:12px;color:#555}.kind{font-size:11px;color:#888}.nowrap{white-space:nowrap}
.chip{display:inline-block;border-radius:10px;padding:0 7px;font-size:11.5px;margin:1px 0;border:1px solid #ddd}
tr[hidden]{display:none}
@media print{.search{display:none}section{break-inside:avoid-page}body{max-width:none}tr{break-inside:avoid}}
"#;

const SCRIPT: &str = r#"
(function(){
  var q=document.getElementById('q');if(!q)return;
  var rows=Array.prototype.slice.call(document.querySelectorAll('#statement-table tbody tr'));
  var shown=document.getElementById('shown');
  function apply(){
    var words=q.value.toLowerCase().split(/\s+/).filter(Boolean),n=0;
    rows.forEach(function(r){var s=r.getAttribute('data-search'),hit=words.every(function(w){return s.indexOf(w)>=0;});
      if(hit){r.removeAttribute('hidden');n++;}else{r.setAttribute('hidden','');}});
    shown.textContent=n;
  }
  q.addEventListener('input',apply);
  var m=location.hash.match(/[#&]q=([^&]*)/);if(m){q.value=decodeURIComponent(m[1].replace(/\+/g,' '));}
  apply();
})();
"#;
