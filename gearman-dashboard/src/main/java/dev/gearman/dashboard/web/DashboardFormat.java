package dev.gearman.dashboard.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * How the pages write numbers, times and durations; the templates call it as {@code fmt}. Times are UTC.
 */
public final class DashboardFormat {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
			Locale.ROOT).withZone(ZoneOffset.UTC);

	/**
	 * A moment.
	 * @param instant the moment, or {@code null}
	 * @return e.g. {@code 2026-05-01 12:00:00 UTC}, or an en dash
	 */
	public String time(@Nullable Instant instant) {
		return (instant != null) ? TIME.format(instant) : "–";
	}

	/**
	 * A moment in epoch milliseconds.
	 * @param millis the moment
	 * @return as {@link #time(Instant)}
	 */
	public String millis(long millis) {
		return (millis > 0) ? TIME.format(Instant.ofEpochMilli(millis)) : "–";
	}

	/**
	 * A moment in epoch seconds.
	 * @param seconds the moment, or {@code null}
	 * @return as {@link #time(Instant)}
	 */
	public String seconds(@Nullable Long seconds) {
		return (seconds != null && seconds > 0) ? TIME.format(Instant.ofEpochSecond(seconds)) : "–";
	}

	/**
	 * How long ago a moment was, or how long until it comes.
	 * @param instant the moment, or {@code null}
	 * @return e.g. {@code 3 min ago}, {@code in 20 s}
	 */
	public String relative(@Nullable Instant instant) {
		if (instant == null) {
			return "–";
		}
		Duration between = Duration.between(Instant.now(), instant);
		return between.isNegative() ? duration(between.negated()) + " ago" : "in " + duration(between);
	}

	/**
	 * A duration, in its two largest units.
	 * @param duration the duration
	 * @return e.g. {@code 2 d 3 h}, {@code 5 min 2 s}, {@code 40 s}
	 */
	public String duration(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds >= 86_400) {
			return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
		}
		if (seconds >= 3600) {
			return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
		}
		if (seconds >= 60) {
			return seconds / 60 + " min " + seconds % 60 + " s";
		}
		return seconds + " s";
	}

	/**
	 * How long the server has run.
	 * @param startedAt when it started, or {@code null}
	 * @return the duration, or an en dash
	 */
	public String uptime(@Nullable Instant startedAt) {
		return (startedAt != null) ? duration(Duration.between(startedAt, Instant.now())) : "–";
	}

	/**
	 * A run time.
	 * @param micros microseconds, 0 for none
	 * @return e.g. {@code 850 µs}, {@code 12.3 ms}, {@code 4.1 s}, or an en dash
	 */
	public String micros(long micros) {
		if (micros <= 0) {
			return "–";
		}
		if (micros < 1000) {
			return micros + " µs";
		}
		if (micros < 1_000_000) {
			return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
		}
		return String.format(Locale.ROOT, "%.1f s", micros / 1_000_000.0);
	}

	/**
	 * A rate.
	 * @param perSecond per second, or {@code null} if unknown
	 * @return e.g. {@code 12.5}, or an en dash
	 */
	public String rate(@Nullable Double perSecond) {
		if (perSecond == null) {
			return "–";
		}
		return (perSecond >= 100) ? String.format(Locale.ROOT, "%.0f", perSecond)
				: String.format(Locale.ROOT, "%.1f", perSecond);
	}

	/**
	 * A count, with thousands separated.
	 * @param count the count, or {@code null} if unknown
	 * @return e.g. {@code 12,345}, or an en dash
	 */
	public String count(@Nullable Number count) {
		return (count != null) ? String.format(Locale.ROOT, "%,d", count.longValue()) : "–";
	}

	/**
	 * A size in bytes.
	 * @param bytes the size
	 * @return e.g. {@code 512 B}, {@code 1.5 KiB}, {@code 3.0 MiB}
	 */
	public String bytes(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		if (bytes < 1024 * 1024) {
			return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
		}
		return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
	}

}
