package dev.gearman.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a free loopback port in front of one server, which the test can freeze: from then on nothing
 * passes in either direction and new connections wait, but nothing is closed or refused. To a client behind it the
 * server has dropped off the network (a partition), not crashed: its sockets stay open and its reads hang until
 * their timeouts. {@link #thaw()} lets everything through again.
 */
final class FreezableTcpProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final Object lock = new Object();

	private boolean frozen;

	private volatile boolean closed;

	FreezableTcpProxy(int targetPort) {
		this.targetPort = targetPort;
		try {
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, "proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.listener.getLocalPort();
	}

	void freeze() {
		synchronized (this.lock) {
			this.frozen = true;
		}
	}

	void thaw() {
		synchronized (this.lock) {
			this.frozen = false;
			this.lock.notifyAll();
		}
	}

	private void awaitThawed() throws InterruptedException {
		synchronized (this.lock) {
			while (this.frozen && !this.closed) {
				this.lock.wait(100);
			}
		}
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.listener.accept();
				this.sockets.add(client);
				Thread connector = new Thread(() -> connect(client), "proxy-connect");
				connector.setDaemon(true);
				connector.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void connect(Socket client) {
		try {
			awaitThawed();
			Socket server = new Socket();
			server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
			this.sockets.add(server);
			pump(client.getInputStream(), server.getOutputStream());
			pump(server.getInputStream(), client.getOutputStream());
		}
		catch (IOException | InterruptedException ex) {
			closeQuietly(client);
		}
	}

	private void pump(InputStream in, OutputStream out) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					// what was read while the proxy froze waits here, as it would in a router's dead link
					awaitThawed();
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException | InterruptedException ex) {
				// one side went away: the pump in the other direction ends with it
			}
			finally {
				closeQuietly(in);
				closeQuietly(out);
			}
		}, "proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

	@Override
	public void close() {
		this.closed = true;
		thaw();
		closeQuietly(this.listener);
		this.sockets.forEach(FreezableTcpProxy::closeQuietly);
	}

}
