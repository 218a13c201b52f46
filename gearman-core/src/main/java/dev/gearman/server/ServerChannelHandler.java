package dev.gearman.server;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.GearmanCodecException;
import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketTooLargeException;
import dev.gearman.protocol.WireSize;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.engine.Session;
import dev.gearman.tls.TlsContexts;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last inbound handler of a server connection: hands decoded packets and admin lines to the engine, tells
 * it when the connection ends, and turns codec failures into one log line and a closed connection. Behind an
 * {@link SslHandler} it learns the peer's identity when the handshake completes, before the first request can
 * reach it, and logs a failed handshake in one line (the {@link SslHandler} closes that connection). A connection
 * that has not completed its first packet within the first-packet timeout is closed: a peer that connects and
 * sends nothing, or trickles a header, holds a connection slot only that long.
 */
final class ServerChannelHandler extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(ServerChannelHandler.class);

	private static final RateLimitedLog silentPeers = new RateLimitedLog(logger, 10, TimeUnit.SECONDS);

	private final JobEngine engine;

	private final GearmanDecoder decoder;

	private final ReplyLimits limits;

	private final Duration firstPacketTimeout;

	private ChannelTransport transport;

	private Session session;

	private @Nullable ScheduledFuture<?> firstPacketTimer;

	ServerChannelHandler(JobEngine engine, GearmanDecoder decoder, ReplyLimits limits, Duration firstPacketTimeout) {
		this.engine = engine;
		this.decoder = decoder;
		this.limits = limits;
		this.firstPacketTimeout = firstPacketTimeout;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.transport = new ChannelTransport(ctx.channel(), this.decoder, this.limits);
		this.session = this.engine.connect(this.transport);
		if (this.firstPacketTimeout.toMillis() > 0) {
			this.firstPacketTimer = ctx.executor().schedule(() -> closeSilent(ctx),
					this.firstPacketTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		ctx.fireChannelActive();
	}

	private void closeSilent(ChannelHandlerContext ctx) {
		silentPeers.warn("Closing connection from {}: no complete packet within {} of connecting"
				+ " (first-packet timeout)", this.transport.remoteHost(), this.firstPacketTimeout);
		ctx.close();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.firstPacketTimer != null) {
			this.firstPacketTimer.cancel(false);
			this.firstPacketTimer = null;
		}
		this.transport.commandQueued(WireSize.of(msg));
		this.engine.receive(this.session, msg);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		this.transport.readComplete();
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.firstPacketTimer != null) {
			this.firstPacketTimer.cancel(false);
		}
		if (this.session != null) {
			try {
				this.engine.disconnect(this.session);
			}
			catch (RejectedExecutionException ex) {
				// the server stopped: Netty reports a connection it closed inactive a little later, when the engine
				// may have stopped already, and a stopped engine has nothing left to forget
			}
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		this.transport.updateAutoRead();
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof SslHandshakeCompletionEvent handshake) {
			if (handshake.isSuccess()) {
				SslHandler ssl = ctx.pipeline().get(SslHandler.class);
				this.transport.identify(ServerTls.identity(ssl.engine().getSession()));
			}
			else {
				// INFO, not WARN: scanners and misconfigured peers fail handshakes all day long
				logger.info("TLS handshake with {} failed: {}", this.transport.remoteHost(),
						tlsReason(handshake.cause()));
			}
		}
		if (evt instanceof IdleStateEvent) {
			logger.debug("Closing idle connection from {}", this.transport.remoteHost());
			ctx.close();
			return;
		}
		ctx.fireUserEventTriggered(evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		String peer = (this.transport != null) ? this.transport.remoteHost() : String.valueOf(ctx.channel());
		if (cause instanceof PacketTooLargeException tooLarge) {
			logger.warn("Closing connection from {}: packet too large, {}", peer, tooLarge.getMessage());
			ctx.writeAndFlush(Packet.error("ARGUMENT_TOO_LARGE", "Packet too large: " + tooLarge.getMessage()))
				.addListener(ChannelFutureListener.CLOSE);
		}
		else if (cause instanceof GearmanCodecException) {
			logger.warn("Closing connection from {}: malformed packet, {}", peer, cause.getMessage());
			ctx.close();
		}
		else if (TlsContexts.isTlsFailure(cause)) {
			// a failed handshake is logged once, by userEventTriggered
			logger.debug("TLS failure on the connection from {}: {}", peer, cause.toString());
			ctx.close();
		}
		else if (cause instanceof IOException) {
			logger.debug("Connection from {} failed: {}", peer, cause.toString());
			ctx.close();
		}
		else {
			logger.warn("Closing connection from {} after an unexpected error", peer, cause);
			ctx.close();
		}
	}

	private static String tlsReason(Throwable cause) {
		// a NotSslRecordException's message is a hex dump of whatever the peer sent
		return (cause instanceof NotSslRecordException) ? "not a TLS record (a plaintext client on the TLS port?)"
				: TlsContexts.reason(cause);
	}

}
