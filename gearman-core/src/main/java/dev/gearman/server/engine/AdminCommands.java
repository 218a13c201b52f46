package dev.gearman.server.engine;

import java.util.Collection;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import dev.gearman.protocol.AdminReply;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin text protocol, byte for byte as gearmand answers it, line endings included: lists end in
 * {@code ".\n"}, {@code OK value} replies in {@code \n}, bare {@code OK} and {@code ERR} replies in {@code \r\n}.
 * Where gearmand has a quirk this class does the sane thing, as noted per command. Engine-thread only.
 */
final class AdminCommands {

	private static final Logger logger = LoggerFactory.getLogger(AdminCommands.class);

	private static final String OK = "OK\r\n";

	private final JobRegistry registry;

	private final FunctionTable functions;

	private final Collection<Session> sessions;

	private final Outbox outbox;

	private final String version;

	private final AccessGate gate;

	private final EngineLoop loop;

	/** Commands beyond gearmand's, answered later (dead letters, history); {@code null} for none. */
	private @Nullable AdminExtension extension;

	/** Wakes the workers of a resumed function. */
	private final Consumer<JobFunction> onResume;

	AdminCommands(JobRegistry registry, FunctionTable functions, Collection<Session> sessions, Outbox outbox,
			AccessGate gate, Consumer<JobFunction> onResume, String version, EngineLoop loop) {
		this.registry = registry;
		this.loop = loop;
		this.gate = gate;
		this.onResume = onResume;
		this.functions = functions;
		this.sessions = sessions;
		this.outbox = outbox;
		this.version = version;
	}

	void extend(@Nullable AdminExtension extension) {
		this.extension = extension;
	}

	void handle(Session session, String line) {
		String[] tokens = line.trim().isEmpty() ? new String[] { "" } : line.trim().split(" +");
		if (this.extension != null && handleExtended(session, this.extension, tokens)) {
			return;
		}
		AdminAccess access = access(tokens[0].toLowerCase(Locale.ROOT));
		if (access != null && !this.gate.mayAdmin(session, access)) {
			this.outbox.send(session, new AdminReply("ERR PERMISSION_DENIED Identity+may+not+use+this+command\r\n"));
			return;
		}
		this.outbox.send(session, new AdminReply(reply(tokens)));
	}

	/**
	 * Runs a command of the extension, if it is one: the reply's place is held in the connection's outbox, so a
	 * command pipelined behind it is answered after it.
	 */
	private boolean handleExtended(Session session, AdminExtension extension, String[] tokens) {
		String[] command = tokens.clone();
		command[0] = command[0].toLowerCase(Locale.ROOT);
		AdminAccess access = extension.access(command);
		if (access == null) {
			return false;
		}
		if (!this.gate.mayAdmin(session, access)) {
			this.outbox.send(session, new AdminReply("ERR PERMISSION_DENIED Identity+may+not+use+this+command\r\n"));
			return true;
		}
		Session.Reply reply = session.reserveAnswer();
		CompletableFuture<String> result;
		try {
			result = extension.run(command);
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		result.whenComplete((text, failure) -> {
			String answer = (failure == null) ? text : error(failure);
			try {
				this.loop.execute(() -> this.outbox.fill(reply, new AdminReply(answer)));
			}
			catch (RejectedExecutionException ex) {
				logger.debug("Admin reply after the engine stopped dropped");
			}
		});
		return true;
	}

	/**
	 * The answer to a command the extension could not answer itself (it formats its own errors): an {@code ERR} line
	 * in gearmand's encoding, the text after the code with {@code +} for spaces.
	 */
	private static String error(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		logger.debug("Admin command failed", cause);
		String text = String.valueOf(cause.getMessage()).replace('\r', ' ').replace('\n', ' ').replace(' ', '+');
		return "ERR UNKNOWN_ERROR " + text + "\r\n";
	}

	/** What a command needs: listings reveal jobs and workers, the others change state; version and the like are free. */
	private static @Nullable AdminAccess access(String command) {
		return switch (command) {
			case "status", "prioritystatus", "workers", "show" -> AdminAccess.READ;
			case "maxqueue", "cancel", "create", "drop", "pause", "resume" -> AdminAccess.WRITE;
			default -> null;
		};
	}

	private String reply(String[] tokens) {
		String command = tokens[0].toLowerCase(Locale.ROOT);
		switch (command) {
			case "status":
				return status();
			case "prioritystatus":
				return priorityStatus();
			case "workers":
				return workers();
			case "maxqueue":
				return maxQueue(tokens);
			case "show":
				if (tokens.length == 2 && tokens[1].equalsIgnoreCase("jobs")) {
					return showJobs();
				}
				if (tokens.length == 3 && tokens[1].equalsIgnoreCase("unique") && tokens[2].equalsIgnoreCase("jobs")) {
					return showUniqueJobs();
				}
				return "ERR UNKNOWN_SHOW_ARGUMENTS\r\n";
			case "cancel":
				if (tokens.length == 3 && tokens[1].equalsIgnoreCase("job")) {
					return cancel(tokens[2]);
				}
				return (tokens.length == 3) ? "ERR UNKNOWN_ERROR\r\n" : unknown(tokens[0]);
			case "create":
				return (tokens.length == 3 && tokens[1].equalsIgnoreCase("function")) ? createFunction(tokens[2])
						: invalidArguments("create");
			case "drop":
				return (tokens.length == 3 && tokens[1].equalsIgnoreCase("function")) ? dropFunction(tokens[2])
						: invalidArguments("drop");
			case "pause", "resume":
				return (tokens.length == 3 && tokens[1].equalsIgnoreCase("function"))
						? pause(tokens[2], command.equals("pause")) : invalidArguments(command);
			case "getpid":
				return "OK " + ProcessHandle.current().pid() + "\n";
			case "verbose":
				return "OK " + verbosity() + "\n";
			case "version":
				return "OK " + this.version + "\n";
			default:
				return unknown(tokens[0]);
		}
	}

	private static String unknown(String word) {
		return "ERR UNKNOWN_COMMAND Unknown+server+command" + word + "\r\n";
	}

	private static String invalidArguments(String command) {
		return "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+" + command + "\r\n";
	}

	/** {@code name\tTOTAL\tRUNNING\tWORKERS}; TOTAL counts queued, scheduled and running jobs. */
	private String status() {
		StringBuilder sb = new StringBuilder();
		for (JobFunction f : this.functions.sortedByName()) {
			sb.append(f.name).append('\t').append(f.total()).append('\t').append(f.running()).append('\t')
				.append(f.workers.size()).append('\n');
		}
		return sb.append(".\n").toString();
	}

	/** {@code name\tHIGH\tNORMAL\tLOW\tWORKERS}, counting jobs that wait; scheduled epoch jobs count as NORMAL. */
	private String priorityStatus() {
		StringBuilder sb = new StringBuilder();
		for (JobFunction f : this.functions.sortedByName()) {
			sb.append(f.name).append('\t').append(f.queued(Priority.HIGH)).append('\t')
				.append(f.queued(Priority.NORMAL) + f.count(JobState.SCHEDULED)).append('\t').append(f.queued(Priority.LOW))
				.append('\t').append(f.workers.size()).append('\n');
		}
		return sb.append(".\n").toString();
	}

	/** {@code ID IP CLIENT-ID : f1 f2}; the connection id stands in for gearmand's file descriptor. */
	private String workers() {
		StringBuilder sb = new StringBuilder();
		for (Session session : this.sessions) {
			sb.append(session.id).append(' ').append(session.remoteHost()).append(' ').append(session.clientId)
				.append(" :");
			for (JobFunction f : session.abilities.keySet()) {
				sb.append(' ').append(f.name);
			}
			sb.append('\n');
		}
		return sb.append(".\n").toString();
	}

	/**
	 * {@code maxqueue FN [N | HIGH NORMAL [LOW]]}. Unlike gearmand, an unknown function is created so that its
	 * limit holds from its first job on.
	 */
	private String maxQueue(String[] tokens) {
		if (tokens.length < 2) {
			return invalidArguments("maxqueue");
		}
		int[] limits = new int[3];
		try {
			if (tokens.length == 3) {
				int all = Math.max(0, Integer.parseInt(tokens[2]));
				limits = new int[] { all, all, all };
			}
			else if (tokens.length >= 4) {
				for (int i = 2; i < tokens.length && i < 5; i++) {
					limits[i - 2] = Math.max(0, Integer.parseInt(tokens[i]));
				}
			}
		}
		catch (NumberFormatException ex) {
			return invalidArguments("maxqueue");
		}
		JobFunction function = configure(tokens[1]);
		if (function == null) {
			return tooMany(tokens[1]);
		}
		System.arraycopy(limits, 0, function.maxQueue, 0, 3);
		return OK;
	}

	/** {@code HANDLE\tRETRIES\tIGNORE\tPERSISTED}. */
	private String showJobs() {
		StringBuilder sb = new StringBuilder();
		for (Job job : this.registry.jobs()) {
			sb.append(job.handle).append('\t').append(job.attempts).append('\t')
				.append((job.state == JobState.ABANDONED) ? 1 : 0).append('\t')
				.append((job.persistence == Job.Persistence.STORED) ? 1 : 0).append('\n');
		}
		return sb.append(".\n").toString();
	}

	private String showUniqueJobs() {
		StringBuilder sb = new StringBuilder();
		for (Job job : this.registry.jobs()) {
			sb.append(job.unique).append('\n');
		}
		return sb.append(".\n").toString();
	}

	/**
	 * Fails the job for its waiting clients and removes it. A queued job goes at once (gearmand leaves it in
	 * {@code status} until a worker polls); a running one finishes on its worker with its results dropped.
	 */
	private String cancel(String handle) {
		Job job = this.registry.byHandle(handle);
		if (job == null) {
			return "ERR UNKNOWN_JOB\r\n";
		}
		this.registry.cancel(job);
		logger.info("Job {} of function '{}' cancelled by admin command", job.handle, job.function.name);
		return OK;
	}

	/** The function an admin command configures; configuration keeps it while nobody uses it. */
	private @Nullable JobFunction configure(String name) {
		JobFunction function = this.functions.isValidName(name) ? this.functions.function(name) : null;
		if (function != null) {
			function.configured = true;
		}
		return function;
	}

	private String tooMany(String name) {
		return this.functions.isValidName(name) ? "ERR TOO_MANY_FUNCTIONS Server+knows+too+many+functions\r\n"
				: "ERR ARGUMENT_TOO_LARGE Function+name+too+long\r\n";
	}

	/**
	 * {@code pause function NAME} / {@code resume function NAME} (ours, not gearmand's): a paused function keeps
	 * taking and storing jobs but hands none out; resuming wakes its sleeping workers.
	 */
	private String pause(String name, boolean paused) {
		JobFunction function = paused ? configure(name) : this.functions.existing(name);
		if (function == null) {
			return paused ? tooMany(name) : "ERR function not found\r\n";
		}
		if (this.functions.setPaused(function, paused)) {
			logger.info("Function '{}' {} by admin command", name, paused ? "paused" : "resumed");
			if (!paused) {
				this.onResume.accept(function);
			}
		}
		return OK;
	}

	private String createFunction(String name) {
		return (configure(name) != null) ? OK : tooMany(name);
	}

	/** Refuses while the function has workers or jobs of any kind, so that no job is left dangling. */
	private String dropFunction(String name) {
		JobFunction function = this.functions.existing(name);
		if (function == null) {
			return "ERR function not found\r\n";
		}
		if (!function.workers.isEmpty() || function.running() > 0) {
			return "ERR there are still connected workers or executing clients\r\n";
		}
		if (!this.functions.dropIfIdle(function)) {
			return "ERR there are still queued jobs\r\n";
		}
		return OK;
	}

	private static String verbosity() {
		Logger engine = LoggerFactory.getLogger("dev.gearman.server");
		if (engine.isDebugEnabled()) {
			return "DEBUG";
		}
		if (engine.isInfoEnabled()) {
			return "INFO";
		}
		return engine.isWarnEnabled() ? "WARNING" : "ERROR";
	}

}
