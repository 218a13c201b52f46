package dev.gearman.worker;

import java.util.HashSet;
import java.util.Set;

import dev.gearman.connection.ConnectionSettings;
import dev.gearman.connection.ManagedConnection;
import dev.gearman.connection.ServerAddress;
import dev.gearman.connection.Transport;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's connection to one job server: registers the worker's functions and runs the grab loop. It asks for
 * a job (GRAB_JOB_UNIQ) only after reserving a free slot of the worker; when the server has nothing it sends
 * PRE_SLEEP and waits for a NOOP. No polling, no spinning. State is confined to the channel's event loop.
 */
final class WorkerConnection extends ManagedConnection {

	private static final Logger logger = LoggerFactory.getLogger(WorkerConnection.class);

	private final GearmanWorker worker;

	private @Nullable Channel channel;

	/** Functions currently registered on this connection (a function at its concurrency limit is not). */
	private final Set<String> registered = new HashSet<>();

	private boolean grabbing;

	private boolean sleeping;

	WorkerConnection(ServerAddress address, Transport transport, ConnectionSettings settings, GearmanWorker worker) {
		super(address, transport, settings);
		this.worker = worker;
	}

	@Override
	protected boolean reconnectInBackground() {
		return true;
	}

	@Override
	protected void onConnected(Channel channel) {
		this.channel = channel;
		this.registered.clear();
		this.grabbing = false;
		this.sleeping = false;
		String clientId = this.worker.settings().clientId();
		if (clientId != null) {
			channel.write(Packet.request(PacketType.SET_CLIENT_ID, Packet.utf8(clientId)));
		}
		syncRegistrations();
		tryGrab();
	}

	/** Brings this connection's CAN_DO registrations in line with the worker's functions and their limits. */
	void syncRegistrations() {
		Channel ch = this.channel;
		if (ch == null || !ch.isActive()) {
			return;
		}
		for (FunctionRegistration function : this.worker.functions()) {
			String name = Packet.utf8(function.name());
			boolean wanted = this.worker.hasRoom(function.name());
			if (wanted && this.registered.add(name)) {
				if (function.timeout() != null && !function.timeout().isZero()) {
					ch.write(Packet.request(PacketType.CAN_DO_TIMEOUT, name,
							Long.toString(function.timeout().toMillis())));
				}
				else {
					ch.write(Packet.request(PacketType.CAN_DO, name));
				}
			}
			else if (!wanted && this.registered.remove(name)) {
				ch.write(Packet.request(PacketType.CANT_DO, name));
			}
		}
		ch.flush();
		if (this.sleeping) {
			// a function came back: the server may hold jobs for it, so ask again
			this.sleeping = false;
			tryGrab();
		}
	}

	/** Asks for a job if the worker has a free slot and nothing is asked already. */
	void tryGrab() {
		Channel ch = this.channel;
		if (ch == null || !ch.isActive() || this.grabbing || this.registered.isEmpty()
				|| !this.worker.reserveSlot()) {
			return;
		}
		this.grabbing = true;
		this.sleeping = false;
		ch.writeAndFlush(Packet.request(PacketType.GRAB_JOB_UNIQ), ch.voidPromise());
	}

	@Override
	protected void onPacket(Channel ch, Packet packet) {
		switch (packet.type()) {
			case NO_JOB -> {
				this.grabbing = false;
				this.worker.releaseSlot();
				if (!this.worker.isStopping()) {
					this.sleeping = true;
					ch.writeAndFlush(Packet.request(PacketType.PRE_SLEEP), ch.voidPromise());
				}
			}
			case NOOP -> {
				this.sleeping = false;
				tryGrab();
			}
			case JOB_ASSIGN -> assigned(ch, packet.arg(0), packet.arg(1), "", packet.data());
			case JOB_ASSIGN_UNIQ, JOB_ASSIGN_ALL -> assigned(ch, packet.arg(0), packet.arg(1), packet.arg(2),
					packet.data());
			case ERROR -> logger.warn("Job server {} reported {}: {}", this.address, packet.arg(0), packet.arg(1));
			default -> logger.debug("Ignoring unexpected {} from {}", packet.type(), this.address);
		}
	}

	private void assigned(Channel ch, String handle, String function, String unique, byte[] payload) {
		this.grabbing = false;
		this.worker.run(new JobContext(ch, handle, function, unique, payload));
		tryGrab();
	}

	@Override
	protected void onDisconnected(Channel ch) {
		if (this.channel == ch) {
			this.channel = null;
		}
		if (this.grabbing) {
			this.grabbing = false;
			this.worker.releaseSlot();
		}
		this.sleeping = false;
		this.registered.clear();
	}

	void execute(Runnable task) {
		Channel ch = this.channel;
		if (ch != null) {
			ch.eventLoop().execute(task);
		}
	}

}
