//! The listeners of the sandbox's endpoints.
//!
//! Each accepted connection knows which endpoint (index in the endpoint directory) it came in
//! on, and can be reset by a handler: the `reset_after_processing` fault closes the connection
//! without an answer, which an HTTP framework cannot express with a response. The handler flags
//! the connection; the next write of the answer fails, so the server drops the socket, and the
//! zero linger set on it makes the kernel send a TCP RST (RFC 9293 §3.6.1, abort) instead of a
//! clean close.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener serving endpoint `index`.
#[derive(Debug)]
pub(crate) struct EndpointListener {
    inner: TcpListener,
    index: usize,
}

impl EndpointListener {
    pub(crate) fn new(inner: TcpListener, index: usize) -> Self {
        Self { inner, index }
    }
}

/// What a handler knows of its connection (axum `ConnectInfo`).
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    /// Index of the endpoint, in the directory's order.
    pub(crate) endpoint: usize,
    reset: Arc<AtomicBool>,
}

impl Connection {
    /// Makes the connection end with a TCP reset instead of the answer.
    pub(crate) fn reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
    }
}

impl Listener for EndpointListener {
    type Io = ResettableStream;
    type Addr = Connection;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _peer)) => {
                    let reset = Arc::new(AtomicBool::new(false));
                    let connection = Connection {
                        endpoint: self.index,
                        reset: reset.clone(),
                    };
                    return (ResettableStream { stream, reset }, connection);
                }
                // Out of file descriptors and the like: wait a little, as axum's own listener does.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(Connection {
            endpoint: self.index,
            reset: Arc::new(AtomicBool::new(false)),
        })
    }
}

impl Connected<IncomingStream<'_, EndpointListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, EndpointListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that fails every write, and reads as closed, once reset.
#[derive(Debug)]
pub(crate) struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl ResettableStream {
    fn is_reset(&self) -> bool {
        self.reset.load(Ordering::SeqCst)
    }

    fn abort(&self) -> io::Error {
        // A zero linger never blocks on drop (what the deprecation warns about is a non-zero
        // linger); it turns the close into a reset.
        #[allow(deprecated)]
        let _ = self.stream.set_linger(Some(Duration::ZERO));
        io::Error::from(io::ErrorKind::ConnectionReset)
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_reset() {
            return Poll::Ready(Err(self.abort()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_reset() {
            return Poll::Ready(Err(self.abort()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.is_reset() {
            return Poll::Ready(Err(self.abort()));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_reset() {
            return Poll::Ready(Err(self.abort()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_reset() {
            return Poll::Ready(Err(self.abort()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
