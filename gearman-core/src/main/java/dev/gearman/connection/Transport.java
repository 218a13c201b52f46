package dev.gearman.connection;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty event loops a client or worker uses: native epoll where available, NIO otherwise.
 */
public final class Transport implements AutoCloseable {

	private final EventLoopGroup group;

	private final Class<? extends Channel> channelType;

	/**
	 * Creates the event loops.
	 * @param name prefix of the thread names
	 * @param threads number of I/O threads
	 */
	public Transport(String name, int threads) {
		boolean epoll = Epoll.isAvailable();
		IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		ThreadFactory threadFactory = new DefaultThreadFactory(name, true);
		this.group = new MultiThreadIoEventLoopGroup(threads, threadFactory, factory);
		this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
	}

	public EventLoopGroup group() {
		return this.group;
	}

	public Class<? extends Channel> channelType() {
		return this.channelType;
	}

	@Override
	public void close() {
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

}
