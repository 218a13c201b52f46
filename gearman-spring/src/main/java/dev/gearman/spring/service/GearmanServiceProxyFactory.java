package dev.gearman.spring.service;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import dev.gearman.spring.annotation.GearmanExchange;
import dev.gearman.spring.core.GearmanTemplate;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringValueResolver;

/**
 * Makes typed clients: proxies of {@link GearmanExchange} interfaces whose methods call their functions through a
 * {@link GearmanTemplate}, as Spring's {@code HttpServiceProxyFactory} does for HTTP interfaces. Every method is
 * checked when the proxy is made, so an interface that cannot be served fails at startup. Default methods run as
 * written. Thread-safe; proxies are too.
 */
public final class GearmanServiceProxyFactory {

	private final GearmanTemplate template;

	private final StringValueResolver resolver;

	/**
	 * Creates a factory whose annotations take no placeholders.
	 * @param template the template that sends the calls
	 */
	public GearmanServiceProxyFactory(GearmanTemplate template) {
		this(template, (value) -> value);
	}

	/**
	 * Creates a factory.
	 * @param template the template that sends the calls
	 * @param resolver resolves {@code ${…}} placeholders in the annotations, e.g. the bean factory's
	 */
	public GearmanServiceProxyFactory(GearmanTemplate template, StringValueResolver resolver) {
		this.template = template;
		this.resolver = resolver;
	}

	/**
	 * Makes a typed client.
	 * @param <S> the interface
	 * @param serviceType an interface annotated with {@link GearmanExchange}
	 * @return the proxy
	 * @throws IllegalArgumentException if it is not such an interface
	 * @throws IllegalStateException if one of its methods cannot be served, saying which and why
	 */
	public <S> S createClient(Class<S> serviceType) {
		if (!serviceType.isInterface()
				|| AnnotatedElementUtils.findMergedAnnotation(serviceType, GearmanExchange.class) == null) {
			throw new IllegalArgumentException("serviceType: " + serviceType.getName()
					+ " (expected: an interface annotated with @GearmanExchange)");
		}
		GearmanExchange onType = AnnotatedElementUtils.findMergedAnnotation(serviceType, GearmanExchange.class);
		if (onType != null && !onType.function().isEmpty()) {
			throw new IllegalStateException("@GearmanExchange on interface " + serviceType.getName() + " names function '"
					+ onType.function() + "' (expected: function names on its methods only)");
		}
		Map<Method, GearmanServiceMethod> methods = new HashMap<>();
		for (Method method : serviceType.getMethods()) {
			if (Modifier.isAbstract(method.getModifiers()) && !isObjectMethod(method)) {
				methods.put(method, GearmanServiceMethod.resolve(serviceType, method, this.resolver));
			}
		}
		Object proxy = Proxy.newProxyInstance(serviceType.getClassLoader(), new Class<?>[] { serviceType },
				new Handler(serviceType, Map.copyOf(methods), this.template));
		return serviceType.cast(proxy);
	}

	private static boolean isObjectMethod(Method method) {
		try {
			Object.class.getMethod(method.getName(), method.getParameterTypes());
			return true;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	/** Sends each call of a resolved method; runs default methods; answers Object's methods itself. */
	private record Handler(Class<?> serviceType, Map<Method, GearmanServiceMethod> methods,
			GearmanTemplate template) implements InvocationHandler {

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args)
				throws Throwable {
			GearmanServiceMethod call = this.methods.get(method);
			if (call != null) {
				return call.invoke(this.template, (args != null) ? args : new Object[0]);
			}
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == ((args != null) ? args[0] : null);
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "Gearman service " + this.serviceType.getName() + " " + this.methods.values();
				default -> throw new IllegalStateException("Unexpected method " + method + " on " + this.serviceType);
			};
		}

	}

}
