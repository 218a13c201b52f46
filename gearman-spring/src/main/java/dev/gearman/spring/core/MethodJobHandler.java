package dev.gearman.spring.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

import dev.gearman.worker.JobContext;
import dev.gearman.worker.JobHandler;
import org.springframework.util.ReflectionUtils;

/**
 * A {@link JobHandler} that invokes a bean method, resolving its parameters from the job and converting its
 * return value. The signature is checked when the adapter is built, so a method that cannot be served fails at
 * startup, naming the bean and the method. A workload or result that cannot be converted fails the job with a
 * {@link GearmanPayloadConversionException}, which the client can tell from an exception of the method itself.
 */
public class MethodJobHandler implements JobHandler {

	private final String beanName;

	private final Object bean;

	private final Method method;

	private final String function;

	private final GearmanPayloadConverter converter;

	private final Type[] parameterTypes;

	private final boolean returnsVoid;

	/**
	 * Creates the adapter and validates the method's signature.
	 * @param beanName the bean's name, for error messages
	 * @param bean the bean (possibly a proxy) to invoke the method on
	 * @param method the method, invocable on the bean
	 * @param function the Gearman function name
	 * @param converter payload conversion
	 * @throws IllegalStateException if the signature cannot be served
	 */
	public MethodJobHandler(String beanName, Object bean, Method method, String function,
			GearmanPayloadConverter converter) {
		this.beanName = beanName;
		this.bean = bean;
		this.method = method;
		this.function = function;
		this.converter = converter;
		this.parameterTypes = method.getGenericParameterTypes();
		this.returnsVoid = method.getReturnType() == void.class;
		int payloads = 0;
		boolean json = GearmanPayloadConverter.needsJson(method.getGenericReturnType()) && !this.returnsVoid;
		for (Type type : this.parameterTypes) {
			if (type == JobContext.class) {
				continue;
			}
			payloads++;
			json |= GearmanPayloadConverter.needsJson(type);
		}
		String where = "@GearmanFunction method '" + method.getName() + "' of bean '" + beanName + "'";
		if (payloads > 1) {
			throw new IllegalStateException(where + " has " + payloads + " payload parameters (expected: at most one"
					+ " of byte[], String or a JSON type, plus an optional JobContext)");
		}
		if (json && !converter.hasJson()) {
			throw new IllegalStateException(where + " needs JSON conversion but no JsonMapper is available; add"
					+ " spring-boot-starter-jackson or use byte[]/String");
		}
		ReflectionUtils.makeAccessible(method);
	}

	@Override
	public byte[] execute(JobContext job) throws Exception {
		Object[] args = new Object[this.parameterTypes.length];
		for (int i = 0; i < args.length; i++) {
			Type type = this.parameterTypes[i];
			if (type == JobContext.class) {
				args[i] = job;
				continue;
			}
			try {
				args[i] = this.converter.fromBytes(job.payload(), type);
			}
			catch (RuntimeException ex) {
				throw new GearmanPayloadConversionException(this.function, job.handle(),
						GearmanPayloadConversionException.Payload.REQUEST, type.getTypeName(), ex);
			}
		}
		Object result;
		try {
			result = this.method.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw (Error) cause;
		}
		if (this.returnsVoid) {
			return new byte[0];
		}
		try {
			return this.converter.toBytes(result);
		}
		catch (RuntimeException ex) {
			throw new GearmanPayloadConversionException(this.function, job.handle(),
					GearmanPayloadConversionException.Payload.RESULT, result.getClass().getName(), ex);
		}
	}

	@Override
	public String toString() {
		return "method '" + this.method.getName() + "' of bean '" + this.beanName + "'";
	}

}
