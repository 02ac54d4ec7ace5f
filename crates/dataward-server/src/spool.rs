//! Streaming a request body to a temporary file, chunk by chunk, with a size limit.
//!
//! Memory stays bounded by one body chunk plus the file writer's buffer, whatever the upload's
//! size. The temporary file is deleted when the returned `Spooled` is dropped.

use std::path::Path;

use axum::body::Body;
use futures_util::StreamExt;
use tempfile::NamedTempFile;
use tokio::io::AsyncWriteExt;

use crate::error::AppError;

/// A fully received upload.
#[derive(Debug)]
pub struct Spooled {
    pub file: NamedTempFile,
    pub bytes: u64,
}

impl Spooled {
    /// A fresh read handle positioned at the start of the upload.
    pub fn reader(&self) -> std::io::Result<std::fs::File> {
        self.file.reopen()
    }
}

/// Writes `body` to a new temporary file in `dir` (or the system's), failing with 413 as soon as
/// more than `limit` bytes have arrived.
pub async fn spool(body: Body, limit: u64, dir: Option<&Path>) -> Result<Spooled, AppError> {
    let dir = dir.map(Path::to_path_buf);
    let file = tokio::task::spawn_blocking(move || match dir {
        Some(dir) => NamedTempFile::with_prefix_in("dataward-upload-", dir),
        None => NamedTempFile::with_prefix("dataward-upload-"),
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    let mut writer = tokio::fs::File::from_std(file.as_file().try_clone().map_err(AppError::internal)?);
    let mut stream = body.into_data_stream();
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| AppError::InvalidRequest("the upload was interrupted before it completed".into()))?;
        bytes += chunk.len() as u64;
        if bytes > limit {
            return Err(AppError::PayloadTooLarge { limit });
        }
        writer.write_all(&chunk).await.map_err(AppError::internal)?;
    }
    writer.flush().await.map_err(AppError::internal)?;
    Ok(Spooled { file, bytes })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[tokio::test]
    async fn a_body_is_spooled_whole_and_read_back_from_the_start() {
        let chunks: Vec<Result<&'static str, std::io::Error>> =
            vec![Ok("first_name,"), Ok("surname\n"), Ok("Jane,Smith\n")];
        let body = Body::from_stream(futures_util::stream::iter(chunks));
        let spooled = spool(body, 1024, None).await.unwrap();
        let mut text = String::new();
        spooled.reader().unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "first_name,surname\nJane,Smith\n");
        assert_eq!(spooled.bytes, text.len() as u64);
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_and_its_file_removed() {
        let dir = tempfile::tempdir().unwrap();
        let err = spool(Body::from("x".repeat(11)), 10, Some(dir.path())).await.unwrap_err();
        assert!(matches!(err, AppError::PayloadTooLarge { limit: 10 }), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the partial upload is deleted");
    }
}
