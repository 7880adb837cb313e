//! Source locations: where a node of a spec sits (a JSON pointer and its 1-based line) and the
//! [`Problem`] located there. A leaf: it imports nothing from the crate, so every stage that
//! reports a problem can use it without depending on the stage that read the file.

use std::collections::HashMap;

/// A message about one node of a spec: a problem found there, or a note of what a stage
/// approximated (the downgrade's notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the spec file.
    pub line: usize,
    /// JSON pointer to the offending node (empty for the whole document).
    pub pointer: String,
    pub message: String,
}

/// Maps JSON pointers (`/paths/~1v1~1asset/post`) to 1-based source lines.
#[derive(Default)]
pub struct LineIndex(HashMap<String, usize>);

impl LineIndex {
    pub(crate) fn from_map(lines: HashMap<String, usize>) -> Self {
        Self(lines)
    }

    /// The line of `pointer`, or of its nearest ancestor that exists in the source.
    pub fn line_of(&self, pointer: &str) -> usize {
        let mut pointer = pointer;
        loop {
            if let Some(line) = self.0.get(pointer) {
                return *line;
            }
            match pointer.rfind('/') {
                Some(cut) => pointer = &pointer[..cut],
                None => return 1,
            }
        }
    }

    /// A problem at `pointer`, on the line [`line_of`](Self::line_of) gives it.
    pub fn problem(&self, pointer: impl Into<String>, message: impl Into<String>) -> Problem {
        let pointer = pointer.into();
        Problem { line: self.line_of(&pointer), pointer, message: message.into() }
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_takes_the_line_of_its_nearest_located_ancestor() {
        let lines = LineIndex::from_map(HashMap::from([("/paths".to_owned(), 3), ("/paths/~1a".to_owned(), 7)]));
        let problem = lines.problem("/paths/~1a/get/responses", "no reply");
        assert_eq!(
            problem,
            Problem { line: 7, pointer: "/paths/~1a/get/responses".into(), message: "no reply".into() }
        );
        assert_eq!(lines.problem("/info", "x").line, 1);
    }

    #[test]
    fn pointer_segments_are_escaped() {
        assert_eq!(escape_segment("/v1/a~b"), "~1v1~1a~0b");
    }
}
