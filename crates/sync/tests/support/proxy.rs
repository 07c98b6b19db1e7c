//! A TCP proxy in front of PostgreSQL for fault tests: it can drop every open connection
//! at once (a cable pulled mid-push) and refuse new ones (a server that is down).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Clone)]
pub struct Proxy {
    addr: SocketAddr,
    bytes: Arc<AtomicU64>,
    refusing: Arc<AtomicBool>,
    cut: Arc<watch::Sender<u64>>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (cut, _) = watch::channel(0u64);
        let proxy = Proxy {
            addr: listener.local_addr().unwrap(),
            bytes: Arc::new(AtomicU64::new(0)),
            refusing: Arc::new(AtomicBool::new(false)),
            cut: Arc::new(cut),
        };
        let p = proxy.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if p.refusing.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let p = p.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    p.pipe(client, server).await;
                });
            }
        });
        proxy
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Bytes forwarded, both ways, since the start.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }

    /// Drops every open connection now.
    pub fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }

    /// New connections are closed at once while set.
    pub fn set_refusing(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }

    async fn pipe(&self, client: TcpStream, server: TcpStream) {
        let mut cut = self.cut.subscribe();
        let (mut cr, mut cw) = client.into_split();
        let (mut sr, mut sw) = server.into_split();
        let up = copy(&mut cr, &mut sw, &self.bytes);
        let down = copy(&mut sr, &mut cw, &self.bytes);
        tokio::select! {
            _ = up => {}
            _ = down => {}
            _ = cut.changed() => {}
        }
        // Dropping both halves closes both sockets.
    }
}

async fn copy(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    bytes: &AtomicU64,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n]).await?;
        bytes.fetch_add(n as u64, Ordering::SeqCst);
    }
}
