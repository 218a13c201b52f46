package dev.gearman.connection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.gearman.protocol.GearmanConstants;

/**
 * A job server address.
 *
 * @param host host name or IP address
 * @param port TCP port
 */
public record ServerAddress(String host, int port) {

	/**
	 * Validates the address.
	 */
	public ServerAddress {
		if (host.isBlank()) {
			throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address)");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
		}
	}

	/**
	 * Parses {@code host}, {@code host:port} or {@code [ipv6]:port}; the port defaults to 4730.
	 * @param text the address
	 * @return the address
	 */
	public static ServerAddress parse(String text) {
		String value = text.trim();
		if (value.startsWith("[")) {
			int end = value.indexOf(']');
			if (end < 0) {
				throw new IllegalArgumentException("server: '" + text + "' (expected: [ipv6]:port)");
			}
			String host = value.substring(1, end);
			String rest = value.substring(end + 1);
			return new ServerAddress(host, rest.startsWith(":") ? parsePort(text, rest.substring(1))
					: GearmanConstants.DEFAULT_PORT);
		}
		int colon = value.lastIndexOf(':');
		if (colon < 0 || value.indexOf(':') != colon) {
			return new ServerAddress(value, GearmanConstants.DEFAULT_PORT);
		}
		return new ServerAddress(value.substring(0, colon), parsePort(text, value.substring(colon + 1)));
	}

	/**
	 * Parses a list of addresses.
	 * @param texts addresses as accepted by {@link #parse(String)}
	 * @return the addresses, in order
	 */
	public static List<ServerAddress> parseAll(Collection<String> texts) {
		List<ServerAddress> addresses = new ArrayList<>(texts.size());
		for (String text : texts) {
			addresses.add(parse(text));
		}
		if (addresses.isEmpty()) {
			throw new IllegalArgumentException("servers: none (expected: at least one host:port)");
		}
		return List.copyOf(addresses);
	}

	private static int parsePort(String text, String port) {
		try {
			return Integer.parseInt(port);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("server: '" + text + "' (expected: host:port with a numeric port)");
		}
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
