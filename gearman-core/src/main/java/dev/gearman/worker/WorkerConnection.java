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
 * A worker's connection to one job server for one {@link WorkerLane}: registers the lane's functions and runs the
 * grab loop. It asks for a job (GRAB_JOB_UNIQ) only after reserving a slot, so any job the server assigns has one;
 * when the server has nothing it sends PRE_SLEEP and waits for a NOOP. No polling, no spinning, and no CANT_DO:
 * registrations only grow. State is confined to the channel's event loop.
 */
final class WorkerConnection extends ManagedConnection {

	private static final Logger logger = LoggerFactory.getLogger(WorkerConnection.class);

	private final GearmanWorker worker;

	private final WorkerLane lane;

	private volatile @Nullable Channel channel;

	/** Functions registered on this connection. */
	private final Set<String> registered = new HashSet<>();

	/** A GRAB_JOB_UNIQ is out and its slot reserved. */
	private boolean grabbing;

	/** PRE_SLEEP was sent and no NOOP has come since: the server wakes us when there is work. */
	private boolean sleeping;

	WorkerConnection(ServerAddress address, Transport transport, ConnectionSettings settings, GearmanWorker worker,
			WorkerLane lane) {
		super(address, transport, settings);
		this.worker = worker;
		this.lane = lane;
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

	/** Registers the lane's functions not registered yet, and asks for a job if one was added. */
	void syncRegistrations() {
		Channel ch = this.channel;
		if (ch == null || !ch.isActive()) {
			return;
		}
		boolean added = false;
		for (FunctionRegistration function : this.lane.functions()) {
			String name = Packet.utf8(function.name());
			if (this.registered.add(name)) {
				added = true;
				if (function.timeout() != null && !function.timeout().isZero()) {
					ch.write(Packet.request(PacketType.CAN_DO_TIMEOUT, name,
							Long.toString(function.timeout().toMillis())));
				}
				else {
					ch.write(Packet.request(PacketType.CAN_DO, name));
				}
			}
		}
		ch.flush();
		if (added) {
			// a sleeping worker is not woken by its own CAN_DO, and the server may already hold jobs for it
			this.sleeping = false;
			tryGrab();
		}
	}

	/** Asks for a job if awake, nothing is asked already, and the lane and the worker have a free slot. */
	void tryGrab() {
		Channel ch = this.channel;
		if (ch == null || !ch.isActive() || this.grabbing || this.sleeping || this.registered.isEmpty()
				|| !this.worker.reserveSlot(this.lane)) {
			return;
		}
		this.grabbing = true;
		ch.writeAndFlush(Packet.request(PacketType.GRAB_JOB_UNIQ), ch.voidPromise());
	}

	@Override
	protected void onPacket(Channel ch, Packet packet) {
		switch (packet.type()) {
			case NO_JOB -> {
				this.grabbing = false;
				if (!this.worker.isStopping()) {
					this.sleeping = true;
					ch.writeAndFlush(Packet.request(PacketType.PRE_SLEEP), ch.voidPromise());
				}
				// after going to sleep, so that the freed slot wakes the other connections, not this one
				this.worker.returnSlot(this.lane);
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
		if (!this.grabbing) {
			logger.warn("Job server {} assigned job {} that was not asked for; ignoring it", this.address, handle);
			return;
		}
		this.grabbing = false;
		this.worker.run(new JobContext(ch, handle, function, unique, payload), this.lane);
		tryGrab();
	}

	@Override
	protected void onDisconnected(Channel ch) {
		if (this.channel == ch) {
			this.channel = null;
		}
		this.sleeping = false;
		this.registered.clear();
		if (this.grabbing) {
			this.grabbing = false;
			this.worker.returnSlot(this.lane);
		}
	}

	/** Runs a task on this connection's event loop, if it is connected. */
	void execute(Runnable task) {
		Channel ch = this.channel;
		if (ch != null) {
			ch.eventLoop().execute(task);
		}
	}

	@Override
	public String toString() {
		return this.address + " (" + this.lane + ")";
	}

}
