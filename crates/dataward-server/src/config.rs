//! Settings of the HTTP edge that are not part of the shared state: upload limits, where
//! uploads are spooled, whether console cookies are `Secure`, and the public URL mailed links use.

use std::path::PathBuf;

/// The default largest partner file accepted in one upload: 10 GiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024 * 1024;

/// Settings of the HTTP edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Uploads larger than this are refused with 413.
    pub max_upload_bytes: u64,
    /// Where uploads are spooled before loading (the system temporary directory if `None`).
    /// The spooled file holds personal data until the load finishes; it is deleted afterwards.
    pub upload_dir: Option<PathBuf>,
    /// Whether console cookies carry `Secure` (sent over HTTPS only). Turn off only for a
    /// plain-HTTP local run (`dataward serve --insecure-cookies`).
    pub secure_cookies: bool,
    /// The address the public reaches this server at (scheme, host, port; no trailing slash),
    /// used to build the download links mailed to requesters.
    pub public_url: String,
}

/// The public URL when none is configured: a local run.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            upload_dir: None,
            secure_cookies: true,
            public_url: DEFAULT_PUBLIC_URL.to_string(),
        }
    }
}
