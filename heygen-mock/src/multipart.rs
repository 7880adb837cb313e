//! Just enough of `multipart/form-data` for `upload_asset`: the part named `file`, its file
//! name, type and bytes. The body is already in memory, bounded by the route's body limit.

use bytes::Bytes;

/// The uploaded file.
pub(crate) struct FilePart {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

/// The part named `field` of a form with `content_type`, or why there is none.
pub(crate) fn file_part(content_type: &str, body: &Bytes, field: &str) -> Result<FilePart, String> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or("the body is not multipart/form-data with a boundary")?;
    let delimiter = format!("--{boundary}");
    let mut rest = &body[..];
    let start = find(rest, delimiter.as_bytes()).ok_or("the form has no parts")?;
    rest = &rest[start + delimiter.len()..];
    let closing = format!("\r\n--{boundary}");
    loop {
        // After a delimiter: `--` ends the form, CRLF starts a part.
        if rest.starts_with(b"--") {
            return Err(format!("the form has no part named `{field}`"));
        }
        rest = rest.strip_prefix(b"\r\n").ok_or("a malformed multipart delimiter")?;
        let head_end = find(rest, b"\r\n\r\n").ok_or("a part without a blank line after its headers")?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| "part headers that are not text")?;
        let content_start = head_end + 4;
        let content_len = find(&rest[content_start..], closing.as_bytes()).ok_or("a part that never ends")?;
        let offset = body.len() - rest.len() + content_start;
        let (name, file_name, part_type) = part_headers(head);
        if name.as_deref() == Some(field) {
            let bytes = body.slice(offset..offset + content_len);
            return Ok(FilePart { file_name, content_type: part_type, bytes });
        }
        rest = &rest[content_start + content_len + closing.len()..];
    }
}

/// The `name`, `filename` and `Content-Type` of a part's headers.
fn part_headers(head: &str) -> (Option<String>, Option<String>, Option<String>) {
    let (mut name, mut file_name, mut content_type) = (None, None, None);
    for line in head.split("\r\n") {
        let Some((header, value)) = line.split_once(':') else { continue };
        match header.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => {
                for param in value.split(';').map(str::trim) {
                    if let Some(v) = param.strip_prefix("name=") {
                        name = Some(v.trim_matches('"').to_owned());
                    } else if let Some(v) = param.strip_prefix("filename=") {
                        file_name = Some(v.trim_matches('"').to_owned());
                    }
                }
            }
            "content-type" => content_type = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    (name, file_name, content_type)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_part_is_found_among_others() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"folder\"\r\n\r\nf1\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\
\x89PNG\r\n--not-it\r\n--XyZ--\r\n",
        );
        let part = file_part("multipart/form-data; boundary=XyZ", &body, "file").unwrap();
        assert_eq!(part.file_name.as_deref(), Some("a.png"));
        assert_eq!(part.content_type.as_deref(), Some("image/png"));
        assert_eq!(&part.bytes[..], b"\x89PNG\r\n--not-it");
        assert!(file_part("multipart/form-data; boundary=XyZ", &body, "other").is_err());
        assert!(file_part("application/json", &body, "file").is_err());
    }
}
