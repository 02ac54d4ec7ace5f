//! Where a client's Art. 19 notices may be posted: a webhook URL is accepted only over HTTPS,
//! or over plain HTTP to this machine's loopback (a local relay or a test sink), so a notice
//! never crosses a network in clear.

/// Checks a webhook URL; returns it trimmed, or why it is refused.
pub fn check_webhook_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").ok_or_else(|| format!("`{url}` is not an absolute URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    if host.is_empty() || authority.contains('@') {
        return Err(format!("`{url}` names no host (and credentials do not belong in the URL)"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_string()),
        "http" if matches!(host, "127.0.0.1" | "localhost" | "::1") => Ok(url.to_string()),
        "http" => Err(format!("`{url}` is plain HTTP to another machine; notices go over HTTPS")),
        other => Err(format!("`{other}` is not a webhook scheme (https)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_loopback() {
        assert_eq!(check_webhook_url(" https://hooks.example.com/dp ").unwrap(), "https://hooks.example.com/dp");
        assert!(check_webhook_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(check_webhook_url("http://localhost/hook").is_ok());
        assert!(check_webhook_url("http://[::1]:8080/").is_ok());
        assert!(check_webhook_url("http://hooks.example.com/dp").unwrap_err().contains("HTTPS"));
        assert!(check_webhook_url("http://127.0.0.1.evil.com/").is_err());
    }

    #[test]
    fn not_urls_other_schemes_and_credentials_are_refused() {
        assert!(check_webhook_url("hooks.example.com").is_err());
        assert!(check_webhook_url("ftp://example.com/").is_err());
        assert!(check_webhook_url("https:///path").is_err());
        assert!(check_webhook_url("https://user:pw@example.com/").is_err());
    }
}
