//! A real SMTP server for tests, on 127.0.0.1: it speaks enough of RFC 5321 for lettre (EHLO,
//! MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it accepts. Written here because
//! the point is to exercise dataward's real SMTP client against a real socket exchange.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One accepted message: its envelope recipients and its data (headers and body).
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

/// A running sink; dropped with the test's runtime.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    pub messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages: Arc<Mutex<Vec<Received>>> = Arc::default();
        let kept = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink.test ESMTP\r\n").await.ok();
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink.test\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("HELO") || upper.starts_with("MAIL") || upper.starts_with("NOOP") {
                            b"250 OK\r\n"
                        } else if upper.starts_with("RSET") {
                            to.clear();
                            b"250 OK\r\n"
                        } else if upper.starts_with("RCPT") {
                            let address = line.split(['<', '>']).nth(1).unwrap_or("").to_string();
                            to.push(address);
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await.ok();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                                data.push('\n');
                            }
                            kept.lock().unwrap().push(Received { to: std::mem::take(&mut to), data });
                            b"250 queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            write.write_all(b"221 bye\r\n").await.ok();
                            break;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpSink { port, messages }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages sent to `address`, oldest first.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages.lock().unwrap().iter().filter(|m| m.to.iter().any(|t| t == address)).cloned().collect()
    }
}

/// The six-digit code in a message (quoted-printable leaves digits alone).
pub fn code_in(message: &Received) -> String {
    let text = &message.data;
    let at = text.find("code for request").expect("a code message");
    let rest = &text[at..];
    let start = rest.find(" is ").expect("the code follows ` is `") + 4;
    rest[start..start + 6].to_string()
}
