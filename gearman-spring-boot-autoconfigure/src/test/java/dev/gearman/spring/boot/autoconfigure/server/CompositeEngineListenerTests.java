package dev.gearman.spring.boot.autoconfigure.server;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.server.engine.EndReason;
import dev.gearman.server.engine.EngineListener;
import dev.gearman.server.engine.JobState;
import dev.gearman.server.engine.Priority;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The composite passes on every event the engine reports, to every listener: a method added to
 * {@link EngineListener} and forgotten here would silently starve the second listener (it happened: retries were not
 * metered once an access-metrics listener was present).
 */
class CompositeEngineListenerTests {

	@Test
	void everyEventShouldReachEveryListener() throws Exception {
		List<String> first = new ArrayList<>();
		List<String> second = new ArrayList<>();
		EngineListener composite = new CompositeEngineListener(List.of(recording(first), recording(second)));
		List<String> methods = new ArrayList<>();
		for (Method method : EngineListener.class.getMethods()) {
			if (method.isDefault()) {
				methods.add(method.getName());
				method.invoke(composite, arguments(method));
			}
		}
		assertThat(methods).contains("jobSubmitted", "jobMoved", "retryScheduled", "accessDenied");
		assertThat(first).containsExactlyInAnyOrderElementsOf(methods);
		assertThat(second).containsExactlyInAnyOrderElementsOf(methods);
	}

	private static EngineListener recording(List<String> calls) {
		return (EngineListener) Proxy.newProxyInstance(EngineListener.class.getClassLoader(),
				new Class<?>[] { EngineListener.class }, (proxy, method, args) -> {
					if (method.getDeclaringClass() == Object.class) {
						return method.invoke(calls, args);
					}
					calls.add(method.getName());
					return null;
				});
	}

	private static Object[] arguments(Method method) {
		Class<?>[] types = method.getParameterTypes();
		Object[] values = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			Class<?> type = types[i];
			values[i] = (type == String.class) ? "f" : (type == long.class) ? 1L : (type == int.class) ? 1
					: (type == boolean.class) ? Boolean.TRUE : (type == Priority.class) ? Priority.NORMAL
							: (type == JobState.class) ? JobState.QUEUED : (type == EndReason.class) ? EndReason.COMPLETED
									: (type.isEnum()) ? type.getEnumConstants()[0] : null;
		}
		return values;
	}

}
