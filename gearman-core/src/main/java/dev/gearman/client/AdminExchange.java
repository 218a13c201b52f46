package dev.gearman.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.connection.ServerAddress;
import dev.gearman.connection.Transport;
import dev.gearman.server.operations.OperatorCommands;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One admin text command, as {@code gearadmin} sends it: a connection of its own, the command line, the reply read
 * up to its end (one line, or a list ended by a line with a single dot), then the connection closed. Lines and
 * replies are bounded, and so is the wait.
 */
final class AdminExchange {

	/** The longest reply line; {@code dead show} puts a payload of up to 1 MiB on its line, in Base64. */
	static final int MAX_LINE = 2 * 1024 * 1024;

	/** The most lines of one reply. */
	static final int MAX_LINES = 100_000;

	private AdminExchange() {
	}

	/**
	 * Sends a command and reads its reply.
	 * @param list whether the reply is a list (lines up to a single dot) rather than one line
	 * @return the reply's lines, the dot left out; fails with an
	 * {@link dev.gearman.server.operations.OperationFailedException} on an {@code ERR} line, or a
	 * {@link GearmanConnectionException} if the server cannot be reached or does not answer within the timeout
	 */
	static CompletableFuture<List<String>> run(Transport transport, ServerAddress server, Duration connectTimeout,
			Duration timeout, String command, boolean list) {
		if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
			throw new IllegalArgumentException("command: " + command + " (expected: one line)");
		}
		CompletableFuture<List<String>> reply = new CompletableFuture<>();
		Bootstrap bootstrap = new Bootstrap().group(transport.group())
			.channel(transport.channelType())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel ch) {
					ch.pipeline()
						.addLast(new LineBasedFrameDecoder(MAX_LINE))
						.addLast(new StringDecoder(StandardCharsets.UTF_8))
						.addLast(new StringEncoder(StandardCharsets.UTF_8))
						.addLast(new ReplyReader(reply, list));
				}
			});
		ChannelFuture connected = bootstrap.connect(server.host(), server.port());
		connected.addListener((done) -> {
			if (!done.isSuccess()) {
				reply.completeExceptionally(new GearmanConnectionException("cannot connect to " + server + ": "
						+ done.cause().getMessage(), done.cause()));
				return;
			}
			Channel channel = connected.channel();
			ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
				reply.completeExceptionally(new GearmanConnectionException("admin command '" + command + "' to "
						+ server + " got no complete reply within " + timeout));
			}, timeout.toMillis(), TimeUnit.MILLISECONDS);
			reply.whenComplete((lines, failure) -> {
				timer.cancel(false);
				channel.close();
			});
			channel.writeAndFlush(command + "\n");
		});
		return reply;
	}

	/** Collects the reply's lines and completes once it is whole. */
	private static final class ReplyReader extends SimpleChannelInboundHandler<String> {

		private final CompletableFuture<List<String>> reply;

		private final boolean list;

		private final List<String> lines = new ArrayList<>();

		ReplyReader(CompletableFuture<List<String>> reply, boolean list) {
			this.reply = reply;
			this.list = list;
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, String line) {
			String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
			if (this.lines.isEmpty() && text.startsWith("ERR ")) {
				this.reply.completeExceptionally(OperatorCommands.failure(text));
			}
			else if (!this.list) {
				this.reply.complete(List.of(text));
			}
			else if (".".equals(text)) {
				this.reply.complete(List.copyOf(this.lines));
			}
			else if (this.lines.size() >= MAX_LINES) {
				this.reply.completeExceptionally(new IllegalStateException("admin reply: more than " + MAX_LINES
						+ " lines (expected: at most that many)"));
			}
			else {
				this.lines.add(text);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			this.reply.completeExceptionally(new GearmanConnectionException("the server closed the connection"
					+ " before the admin reply was complete"));
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			this.reply.completeExceptionally(cause);
			ctx.close();
		}

	}

}
