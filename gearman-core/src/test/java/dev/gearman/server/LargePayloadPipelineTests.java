package dev.gearman.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.protocol.GearmanEncoder;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.server.store.RecordingJobStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large payloads through the server's pipeline and engine, held in buffers from the read to the write: every peer
 * gets them byte for byte, and each buffer's references are all given back once nothing needs it any more, however
 * its job ends. Every connection is an {@link EmbeddedChannel}; the engine runs on an event loop of its own.
 */
class LargePayloadPipelineTests {

	private static final int SIZE = 1024 * 1024 + 5;

	private static final long MAX_PACKET = 64L * 1024 * 1024;

	private final DefaultEventLoop engineLoop = new DefaultEventLoop();

	private final JobEngine engine = new JobEngine(new GearmanServerSettings(), NonDurableJobStore.INSTANCE,
			this.engineLoop);

	/** The data buffer of every packet the server decoded, in arrival order. */
	private final List<ByteBuf> decoded = new CopyOnWriteArrayList<>();

	private final List<EmbeddedChannel> channels = new ArrayList<>();

	@AfterEach
	void stop() {
		for (EmbeddedChannel channel : this.channels) {
			channel.finishAndReleaseAll();
		}
		this.engine.close();
		this.engineLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void finishedJobShouldDeliverTheBlobsIntactAndReleaseEveryBuffer() {
		EmbeddedChannel worker = connect();
		EmbeddedChannel client = connect();
		send(worker, Packet.request(PacketType.CAN_DO, "echo"));
		byte[] request = payload(SIZE, 1);
		send(client, Packet.requestWithData(PacketType.SUBMIT_JOB, request, "echo", "u-1"));
		String handle = single(replies(client), PacketType.JOB_CREATED).arg(0);
		assertThat(this.decoded).singleElement().satisfies((held) -> assertThat(held.refCnt()).isEqualTo(1));

		send(worker, Packet.request(PacketType.GRAB_JOB_UNIQ));
		Packet assign = single(replies(worker), PacketType.JOB_ASSIGN_UNIQ);
		assertThat(assign.arg(0)).isEqualTo(handle);
		assertThat(Arrays.equals(assign.data(), request)).isTrue();

		byte[] progress = payload(SIZE, 2);
		byte[] result = payload(SIZE, 3);
		send(worker, Packet.requestWithData(PacketType.WORK_DATA, progress, handle));
		send(worker, Packet.requestWithData(PacketType.WORK_COMPLETE, result, handle));
		List<Packet> results = replies(client);
		assertThat(results).extracting(Packet::type).containsExactly(PacketType.WORK_DATA, PacketType.WORK_COMPLETE);
		assertThat(Arrays.equals(results.get(0).data(), progress)).isTrue();
		assertThat(Arrays.equals(results.get(1).data(), result)).isTrue();
		assertAllReleased(3);
	}

	@Test
	void queuedJobShouldReleaseItsDataWhenItsClientDisconnects() {
		EmbeddedChannel client = connect();
		send(client, Packet.requestWithData(PacketType.SUBMIT_JOB, payload(SIZE, 1), "nobody", "u-1"));
		single(replies(client), PacketType.JOB_CREATED);
		assertThat(this.decoded.get(0).refCnt()).isEqualTo(1);
		client.close();
		settle();
		assertAllReleased(1);
	}

	@Test
	void jobWhoseWorkerDiesShouldGoToTheNextWorkerIntactAndThenBeReleased() {
		EmbeddedChannel client = connect();
		EmbeddedChannel first = connect();
		byte[] request = payload(SIZE, 1);
		send(client, Packet.requestWithData(PacketType.SUBMIT_JOB, request, "echo", "u-1"));
		single(replies(client), PacketType.JOB_CREATED);
		send(first, Packet.request(PacketType.CAN_DO, "echo"), Packet.request(PacketType.GRAB_JOB));
		// the first assignment is read, which moves the indexes of what was written: the job's copy must not move
		Packet lost = single(replies(first), PacketType.JOB_ASSIGN);
		assertThat(Arrays.equals(lost.data(), request)).isTrue();
		first.close();
		settle();
		assertThat(this.decoded.get(0).refCnt()).as("requeued job keeps its data").isEqualTo(1);

		EmbeddedChannel second = connect();
		send(second, Packet.request(PacketType.CAN_DO, "echo"), Packet.request(PacketType.GRAB_JOB));
		Packet assign = single(replies(second), PacketType.JOB_ASSIGN);
		assertThat(Arrays.equals(assign.data(), request)).isTrue();
		send(second, Packet.requestWithData(PacketType.WORK_COMPLETE, request, assign.arg(0)));
		assertThat(single(replies(client), PacketType.WORK_COMPLETE).dataLength()).isEqualTo(SIZE);
		assertAllReleased(2);
	}

	@Test
	void resultOfAJobWhoseClientLeftShouldBeReleased() {
		EmbeddedChannel client = connect();
		EmbeddedChannel worker = connect();
		send(client, Packet.requestWithData(PacketType.SUBMIT_JOB, payload(SIZE, 1), "echo", "u-1"));
		single(replies(client), PacketType.JOB_CREATED);
		send(worker, Packet.request(PacketType.CAN_DO, "echo"), Packet.request(PacketType.GRAB_JOB));
		String handle = single(replies(worker), PacketType.JOB_ASSIGN).arg(0);
		client.close();
		settle();
		send(worker, Packet.requestWithData(PacketType.WORK_COMPLETE, payload(SIZE, 2), handle));
		assertAllReleased(2);
	}

	@Test
	void coalescedSubmissionShouldGiveItsBufferBackAtOnceAndBothClientsGetTheResult() {
		EmbeddedChannel first = connect();
		EmbeddedChannel second = connect();
		EmbeddedChannel worker = connect();
		send(first, Packet.requestWithData(PacketType.SUBMIT_JOB, payload(SIZE, 1), "echo", "same"));
		send(second, Packet.requestWithData(PacketType.SUBMIT_JOB, payload(SIZE, 1), "echo", "same"));
		String handle = single(replies(first), PacketType.JOB_CREATED).arg(0);
		assertThat(single(replies(second), PacketType.JOB_CREATED).arg(0)).isEqualTo(handle);
		assertThat(this.decoded.get(0).refCnt()).isEqualTo(1);
		assertThat(this.decoded.get(1).refCnt()).as("coalesced copy").isZero();

		send(worker, Packet.request(PacketType.CAN_DO, "echo"), Packet.request(PacketType.GRAB_JOB));
		single(replies(worker), PacketType.JOB_ASSIGN);
		byte[] result = payload(SIZE, 3);
		send(worker, Packet.requestWithData(PacketType.WORK_COMPLETE, result, handle));
		assertThat(Arrays.equals(single(replies(first), PacketType.WORK_COMPLETE).data(), result)).isTrue();
		assertThat(Arrays.equals(single(replies(second), PacketType.WORK_COMPLETE).data(), result)).isTrue();
		assertAllReleased(3);
	}

	@Test
	void jobCoalescedByItsPayloadShouldKeepAnArrayAndStillReachItsWorker() {
		EmbeddedChannel client = connect();
		EmbeddedChannel worker = connect();
		byte[] request = payload(SIZE, 1);
		send(client, Packet.requestWithData(PacketType.SUBMIT_JOB_BG, request, "echo", "-"));
		single(replies(client), PacketType.JOB_CREATED);
		assertThat(this.decoded.get(0).refCnt()).as("the payload is the job's key: held as an array").isZero();
		send(worker, Packet.request(PacketType.CAN_DO, "echo"), Packet.request(PacketType.GRAB_JOB));
		assertThat(Arrays.equals(single(replies(worker), PacketType.JOB_ASSIGN).data(), request)).isTrue();
	}

	@Test
	void backgroundJobForADurableStoreShouldBeStoredAsAnArrayAndItsBufferReleasedAtOnce() {
		RecordingJobStore store = new RecordingJobStore();
		JobEngine durable = new JobEngine(new GearmanServerSettings(), store, this.engineLoop);
		try {
			EmbeddedChannel client = connect(durable);
			EmbeddedChannel worker = connect(durable);
			byte[] request = payload(SIZE, 1);
			send(client, Packet.requestWithData(PacketType.SUBMIT_JOB_BG, request, "echo", "u-1"));
			settle();
			single(replies(client), PacketType.JOB_CREATED);
			assertThat(store.added).singleElement().satisfies((job) -> assertThat(job.data()).isEqualTo(request));
			assertThat(this.decoded.get(0).refCnt()).as("the store needs an array: the buffer is not kept").isZero();
			send(worker, Packet.request(PacketType.CAN_DO, "echo"), Packet.request(PacketType.GRAB_JOB));
			assertThat(Arrays.equals(single(replies(worker), PacketType.JOB_ASSIGN).data(), request)).isTrue();
		}
		finally {
			durable.close();
		}
	}

	@Test
	void echoShouldReturnTheBlobAndReleaseIt() {
		EmbeddedChannel peer = connect();
		byte[] data = payload(SIZE, 4);
		send(peer, Packet.requestWithData(PacketType.ECHO_REQ, data));
		Packet echo = single(replies(peer), PacketType.ECHO_RES);
		assertThat(Arrays.equals(echo.data(), data)).isTrue();
		assertAllReleased(1);
	}

	@Test
	void stoppingTheEngineShouldReleaseTheDataOfQueuedJobs() {
		EmbeddedChannel client = connect();
		send(client, Packet.requestWithData(PacketType.SUBMIT_JOB_BG, payload(SIZE, 1), "nobody", "u-1"));
		single(replies(client), PacketType.JOB_CREATED);
		assertThat(this.decoded.get(0).refCnt()).isEqualTo(1);
		this.engine.close();
		assertAllReleased(1);
	}

	private EmbeddedChannel connect() {
		return connect(this.engine);
	}

	private EmbeddedChannel connect(JobEngine engine) {
		GearmanDecoder decoder = new GearmanDecoder(MAX_PACKET, true, true);
		EmbeddedChannel channel = new EmbeddedChannel(decoder, new Tap(), GearmanEncoder.INSTANCE,
				new ServerChannelHandler(engine, decoder, TestServers.replyLimits(), Duration.ZERO));
		this.channels.add(channel);
		settle();
		return channel;
	}

	/** Sends packets in 100 kB pieces, as a socket would deliver them, and waits for the engine's replies. */
	private void send(EmbeddedChannel channel, Packet... packets) {
		ByteBuf wire = Unpooled.buffer();
		for (Packet packet : packets) {
			GearmanEncoder.write(packet, wire);
		}
		while (wire.isReadable()) {
			channel.writeInbound(wire.readRetainedSlice(Math.min(100_000, wire.readableBytes())));
		}
		wire.release();
		settle();
	}

	/**
	 * Waits until the engine has run everything sent so far and flushed its replies: the flush follows a batch of
	 * commands as a task of its own, so a second empty task queued after the first one runs after it.
	 */
	private void settle() {
		this.engineLoop.submit(() -> { }).syncUninterruptibly();
		this.engineLoop.submit(() -> { }).syncUninterruptibly();
		for (EmbeddedChannel channel : this.channels) {
			channel.runPendingTasks();
		}
	}

	/** Decodes what the server wrote to a connection, as a client would, releasing the written buffers. */
	private static List<Packet> replies(EmbeddedChannel channel) {
		EmbeddedChannel peer = new EmbeddedChannel(new GearmanDecoder(MAX_PACKET, false));
		for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
			peer.writeInbound(written);
		}
		List<Packet> replies = new ArrayList<>();
		for (Packet reply = peer.readInbound(); reply != null; reply = peer.readInbound()) {
			replies.add(reply);
		}
		assertThat(peer.finish()).isFalse();
		return replies;
	}

	private static Packet single(List<Packet> replies, PacketType type) {
		assertThat(replies).extracting(Packet::type).containsExactly(type);
		return replies.get(0);
	}

	private void assertAllReleased(int expectedBuffers) {
		assertThat(this.decoded).hasSize(expectedBuffers);
		assertThat(this.decoded).allSatisfy((held) -> assertThat(held.refCnt()).isZero());
	}

	private static byte[] payload(int size, int seed) {
		byte[] data = new byte[size];
		for (int i = 0; i < size; i++) {
			data[i] = (byte) (i * 31 + (i >>> 11) + seed);
		}
		return data;
	}

	/** Notes the data buffer of every decoded packet, to check its reference count later. */
	private final class Tap extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof Packet packet && packet.dataBuffer() != null) {
				LargePayloadPipelineTests.this.decoded.add(packet.dataBuffer());
			}
			ctx.fireChannelRead(msg);
		}

	}

}
