package dev.gearman.spring.service;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.gearman.client.JobHandle;
import dev.gearman.client.JobListener;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobRequest;
import dev.gearman.spring.annotation.GearmanExchange;
import dev.gearman.spring.annotation.Unique;
import dev.gearman.spring.core.GearmanTemplate;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

/**
 * One method of a typed client, resolved when the proxy is made: which function, foreground or background,
 * priority, timeout, which parameter is the workload, the unique id and the listener, and how the result is
 * returned. Invoking it builds the request and hands it to the template.
 */
final class GearmanServiceMethod {

	private final String function;

	private final boolean background;

	private final JobPriority priority;

	private final @Nullable Duration timeout;

	private final int payloadIndex;

	private final int uniqueIndex;

	private final int listenerIndex;

	private final Returns returns;

	/** The result type a foreground call converts to ({@code Void} for none). */
	private final Type resultType;

	private GearmanServiceMethod(String function, boolean background, JobPriority priority,
			@Nullable Duration timeout, int payloadIndex, int uniqueIndex, int listenerIndex, Returns returns,
			Type resultType) {
		this.function = function;
		this.background = background;
		this.priority = priority;
		this.timeout = timeout;
		this.payloadIndex = payloadIndex;
		this.uniqueIndex = uniqueIndex;
		this.listenerIndex = listenerIndex;
		this.returns = returns;
		this.resultType = resultType;
	}

	/**
	 * Resolves a method of a {@link GearmanExchange} interface.
	 * @param serviceType the interface
	 * @param method an abstract method of it
	 * @param resolver resolves {@code ${…}} placeholders
	 * @return the resolved method
	 * @throws IllegalStateException if the method cannot be served, saying why
	 */
	static GearmanServiceMethod resolve(Class<?> serviceType, Method method, StringValueResolver resolver) {
		String where = "@GearmanExchange method '" + method.getName() + "' of " + serviceType.getName();
		GearmanExchange onType = AnnotatedElementUtils.findMergedAnnotation(serviceType, GearmanExchange.class);
		GearmanExchange onMethod = AnnotatedElementUtils.findMergedAnnotation(method, GearmanExchange.class);
		String function = (onMethod != null && StringUtils.hasText(onMethod.function()))
				? resolve(resolver, onMethod.function()) : method.getName();
		if (!StringUtils.hasText(function)) {
			throw new IllegalStateException(where + " resolves to an empty function name");
		}
		boolean background = onMethod != null && onMethod.background();
		JobPriority priority = priority(resolver, where, pick(onMethod, onType, GearmanExchange::priority));
		Duration timeout = timeout(resolver, where, pick(onMethod, onType, GearmanExchange::timeout));
		int payloadIndex = -1;
		int uniqueIndex = -1;
		int listenerIndex = -1;
		Parameter[] parameters = method.getParameters();
		for (int i = 0; i < parameters.length; i++) {
			if (parameters[i].isAnnotationPresent(Unique.class)) {
				uniqueIndex = once(uniqueIndex, i, where, "@Unique parameter");
			}
			else if (JobListener.class.isAssignableFrom(parameters[i].getType())) {
				if (background) {
					throw new IllegalStateException(where + " takes a JobListener, but a background job reports"
							+ " to nobody (expected: a JobListener only on a foreground call)");
				}
				listenerIndex = once(listenerIndex, i, where, "JobListener parameter");
			}
			else {
				payloadIndex = once(payloadIndex, i, where, "workload parameter");
			}
		}
		Type returnType = method.getGenericReturnType();
		boolean future = CompletableFuture.class.equals(method.getReturnType());
		Type resultType = future ? futureValue(returnType, where) : returnType;
		Returns returns;
		if (background) {
			if (!(resultType == JobHandle.class || (!future && resultType == void.class))) {
				throw new IllegalStateException(where + " submits a background job but returns "
						+ returnType.getTypeName() + " (expected: void, JobHandle or CompletableFuture<JobHandle>)");
			}
			returns = future ? Returns.FUTURE : (resultType == void.class) ? Returns.NOTHING : Returns.VALUE;
		}
		else {
			returns = future ? Returns.FUTURE : (resultType == void.class) ? Returns.NOTHING : Returns.VALUE;
			if (resultType == void.class) {
				resultType = Void.class;
			}
		}
		return new GearmanServiceMethod(function, background, priority, timeout, payloadIndex, uniqueIndex,
				listenerIndex, returns, resultType);
	}

	/**
	 * Calls the function.
	 * @param template the template that sends the request
	 * @param args the method's arguments
	 * @return what the method returns
	 */
	@Nullable Object invoke(GearmanTemplate template, @Nullable Object[] args) {
		Object payload = (this.payloadIndex >= 0) ? args[this.payloadIndex] : null;
		Object unique = (this.uniqueIndex >= 0) ? args[this.uniqueIndex] : null;
		JobRequest request = template.createRequest(this.function, payload)
			.withPriority(this.priority)
			.withUnique((unique != null) ? unique.toString() : null)
			.withTimeout(this.timeout);
		if (this.listenerIndex >= 0) {
			request = request.withListener((JobListener) args[this.listenerIndex]);
		}
		if (this.background) {
			return switch (this.returns) {
				case FUTURE -> template.submitBackgroundAsync(request);
				case VALUE -> template.submitBackground(request);
				case NOTHING -> {
					template.submitBackground(request);
					yield null;
				}
			};
		}
		return switch (this.returns) {
			case FUTURE -> template.callAsync(request, this.resultType);
			case VALUE -> template.call(request, this.resultType);
			case NOTHING -> {
				template.call(request, Void.class);
				yield null;
			}
		};
	}

	String function() {
		return this.function;
	}

	@Override
	public String toString() {
		return (this.background ? "background job of '" : "call of '") + this.function + "'";
	}

	private static String pick(@Nullable GearmanExchange onMethod, @Nullable GearmanExchange onType,
			Function<GearmanExchange, String> attribute) {
		if (onMethod != null && StringUtils.hasText(attribute.apply(onMethod))) {
			return attribute.apply(onMethod);
		}
		return (onType != null) ? attribute.apply(onType) : "";
	}

	private static String resolve(StringValueResolver resolver, String value) {
		String resolved = resolver.resolveStringValue(value);
		return (resolved != null) ? resolved.trim() : value;
	}

	private static JobPriority priority(StringValueResolver resolver, String where, String value) {
		if (!StringUtils.hasText(value)) {
			return JobPriority.NORMAL;
		}
		String resolved = resolve(resolver, value);
		try {
			return JobPriority.valueOf(resolved.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + " has priority '" + value + "' = '" + resolved
					+ "' (expected: high, normal or low)", ex);
		}
	}

	private static @Nullable Duration timeout(StringValueResolver resolver, String where, String value) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String resolved = resolve(resolver, value);
		Duration timeout;
		try {
			timeout = DurationFormatterUtils.detectAndParse(resolved);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + " has timeout '" + value + "' = '" + resolved
					+ "' (expected: a duration such as 5s or 500ms)", ex);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalStateException(where + " has timeout '" + value + "' = '" + resolved
					+ "' (expected: a positive duration, or empty for the client's timeout)");
		}
		return timeout;
	}

	private static int once(int found, int index, String where, String what) {
		if (found >= 0) {
			throw new IllegalStateException(where + " has more than one " + what + " (expected: at most one workload,"
					+ " one @Unique id and one JobListener)");
		}
		return index;
	}

	private static Type futureValue(Type returnType, String where) {
		if (returnType instanceof ParameterizedType parameterized) {
			return parameterized.getActualTypeArguments()[0];
		}
		throw new IllegalStateException(where + " returns a raw CompletableFuture (expected: CompletableFuture<T>)");
	}

	/** How the method hands back what it got. */
	private enum Returns {

		/** The result, after waiting. */
		VALUE,

		/** Nothing, after waiting. */
		NOTHING,

		/** A future at once. */
		FUTURE

	}

}
