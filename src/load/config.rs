//! Reading `dl4m.toml`, the site's settings, into a [`Config`] (the
//! types are in [`crate::config`]). Every key is optional; an unknown key is
//! a warning, a value that cannot be used is dropped with a warning, and a
//! syntax error is reported and the file ignored.

use crate::config::Config;
use crate::diag::{Diagnostics, Source};

/// Parses `dl4m.toml`, warning about every key it does not know.
pub(crate) fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Config {
    let mut unknown = Vec::new();
    let parsed = toml::Deserializer::parse(text)
        .map_err(|err| (err.span(), err.message().to_string()))
        .and_then(|deserializer| {
            serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string()))
                .map_err(|err: toml::de::Error| (err.span(), err.message().to_string()))
        });
    match parsed {
        Ok(config) => {
            for key in unknown {
                diags
                    .warning(
                        &key_source(file, text, &key),
                        format!("unknown setting `{key}`"),
                    )
                    .hint(
                        "known settings: title, description, base_url, author, repository, branch, \
                         edit_url, page_size, columns and [taxonomies.<name>] label/description",
                    );
            }
            validate(file, text, config, diags)
        }
        Err((span, message)) => {
            diags
                .error(
                    &crate::load::toml_error_source(file, text, span),
                    format!("cannot read the settings: {message}"),
                )
                .hint("the file is ignored until it is fixed; see the README for every setting");
            Config::default()
        }
    }
}

/// Drops values that cannot be used, with a warning each.
fn validate(file: &str, text: &str, mut config: Config, diags: &mut Diagnostics) -> Config {
    if config.page_size == Some(0) {
        diags
            .warning(
                &key_source(file, text, "page_size"),
                "`page_size` must be 1 or more",
            )
            .hint("remove it to use the default of 250 articles per page");
        config.page_size = None;
    }
    config.repository = http_url_or_warn(
        config.repository.take(),
        "repository",
        "write the repository's web address, e.g. https://github.com/owner/list",
        (file, text, diags),
    );
    config.edit_url = http_url_or_warn(
        config.edit_url.take(),
        "edit_url",
        "e.g. https://github.com/owner/list/blob/main/{path}#L{line}",
        (file, text, diags),
    );
    config
}

/// `url` when it is an absolute http(s) URL; otherwise `None`, with a
/// warning at the line of the setting `key`.
fn http_url_or_warn(
    url: Option<String>,
    key: &str,
    hint: &str,
    (file, text, diags): (&str, &str, &mut Diagnostics),
) -> Option<String> {
    let url = url?;
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(url);
    }
    diags
        .warning(
            &key_source(file, text, key),
            format!("`{key}` is not an http(s) URL: `{url}`"),
        )
        .hint(hint);
    None
}

/// The line where the setting `key` (a dotted path) is written, or line 1.
fn key_source(file: &str, text: &str, key: &str) -> Source {
    let last = key.rsplit('.').next().unwrap_or(key);
    let line = text
        .lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(last)
                .or_else(|| line.strip_prefix(&format!("\"{last}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || (line.starts_with('[') && line.contains(last))
        })
        .map_or(1, |i| i + 1);
    Source::line(file, line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ListColumn, TaxonomyKind};

    fn read(text: &str) -> (Config, Diagnostics) {
        let mut diags = Diagnostics::default();
        let config = parse("dl4m.toml", text, &mut diags);
        (config, diags)
    }

    #[test]
    fn every_setting_is_read() {
        let (config, diags) = read(
            "title = \"DL4M\"\npage_size = 100\ncolumns = [\"tasks\", \"code\"]\n\
             repository = \"https://github.com/o/r\"\n\
             [taxonomies.tasks]\nlabel = \"Problems\"\ndescription = \"What is solved.\"\n",
        );
        assert_eq!(diags.errors() + diags.warnings(), 0);
        assert_eq!(config.title.as_deref(), Some("DL4M"));
        assert_eq!(config.page_size, Some(100));
        assert_eq!(
            config.columns,
            Some(vec![ListColumn::Tasks, ListColumn::Code])
        );
        let tasks = &config.taxonomies[&TaxonomyKind::Tasks];
        assert_eq!(tasks.label.as_deref(), Some("Problems"));
    }

    #[test]
    fn unknown_keys_are_warnings_at_their_line() {
        let (config, diags) =
            read("title = \"x\"\n\ntitel = \"y\"\n[taxonomies.tasks]\nlabl = \"z\"\n");
        assert_eq!(config.title.as_deref(), Some("x"));
        let found: Vec<_> = diags
            .sorted()
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, "unknown setting `titel`".to_string()),
                (5, "unknown setting `taxonomies.tasks.labl`".to_string())
            ]
        );
    }

    #[test]
    fn a_syntax_error_is_reported_with_its_line() {
        let (config, diags) = read("title = \"x\"\npage_size = \n");
        assert!(config.title.is_none(), "the file is ignored");
        let d = &diags.sorted()[0];
        assert_eq!((d.line, d.severity), (2, crate::diag::Severity::Error));
    }

    #[test]
    fn wrong_types_and_values_are_reported() {
        let (_, diags) = read("page_size = \"many\"\n");
        assert_eq!(diags.errors(), 1);
        let (config, diags) = read("page_size = 0\nrepository = \"github.com/o/r\"\n");
        assert_eq!(diags.warnings(), 2);
        assert!(config.page_size.is_none() && config.repository.is_none());
    }
}
