package dev.gearman.server.access;

/**
 * Who may do what on the job server. The engine asks it, on its own thread, before anything that changes state or
 * reveals jobs: a submission, a worker registering a function (CAN_DO), a status query, an admin command. An
 * identity is the peer's client-certificate subject when the connection uses TLS with client certificates, or
 * {@value #ANONYMOUS}. Implementations must be fast and must not block.
 */
public interface AccessPolicy {

	/** The identity of a connection without a client certificate. */
	String ANONYMOUS = "anonymous";

	/** Everything is allowed: the behaviour of a server without an access list, as gearmand. */
	AccessPolicy OPEN = new AccessPolicy() {

		@Override
		public boolean maySubmit(String identity, String function) {
			return true;
		}

		@Override
		public boolean mayWork(String identity, String function) {
			return true;
		}

		@Override
		public boolean mayAdmin(String identity, AdminAccess access) {
			return true;
		}

		@Override
		public boolean isOpen() {
			return true;
		}

		@Override
		public String toString() {
			return "open access";
		}

	};

	/**
	 * Whether an identity may submit jobs of a function, and query the status of such jobs.
	 * @param identity the connection's identity
	 * @param function the function name
	 * @return {@code true} if allowed
	 */
	boolean maySubmit(String identity, String function);

	/**
	 * Whether an identity may register as a worker for a function, and so read its payloads and report its results.
	 * @param identity the connection's identity
	 * @param function the function name
	 * @return {@code true} if allowed
	 */
	boolean mayWork(String identity, String function);

	/**
	 * Whether an identity may use admin commands of a kind.
	 * @param identity the connection's identity
	 * @param access read-only listings, or commands that change state
	 * @return {@code true} if allowed
	 */
	boolean mayAdmin(String identity, AdminAccess access);

	/**
	 * Whether this policy allows everything; the server warns when it is open beyond loopback without TLS.
	 * @return {@code true} for {@link #OPEN}
	 */
	default boolean isOpen() {
		return false;
	}

	/**
	 * What an admin command does.
	 */
	enum AdminAccess {

		/** Read-only: {@code status}, {@code priority status}, {@code workers}, {@code show jobs}, ... */
		READ,

		/** Changes state: {@code cancel job}, {@code maxqueue}, {@code create function}, {@code drop function}. */
		WRITE

	}

}
