package dev.gearman.spring.core;

import java.lang.reflect.Type;
import java.nio.charset.Charset;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts workloads and results between bytes and Java values: {@code byte[]} as is, {@code String} in the
 * configured charset, everything else as JSON with the application's {@link JsonMapper}.
 */
public class GearmanPayloadConverter {

	private final @Nullable JsonMapper jsonMapper;

	private final Charset charset;

	/**
	 * Creates a converter.
	 * @param jsonMapper the JSON mapper, {@code null} if Jackson is not available
	 * @param charset the charset of {@code String} payloads
	 */
	public GearmanPayloadConverter(@Nullable JsonMapper jsonMapper, Charset charset) {
		this.jsonMapper = jsonMapper;
		this.charset = charset;
	}

	/**
	 * Whether values of this type need JSON.
	 * @param type the Java type
	 * @return {@code true} unless it is {@code byte[]} or {@code String}
	 */
	public static boolean needsJson(Type type) {
		return type != byte[].class && type != String.class;
	}

	/**
	 * Whether JSON conversion is available.
	 * @return {@code true} if a JSON mapper is configured
	 */
	public boolean hasJson() {
		return this.jsonMapper != null;
	}

	/**
	 * Converts a value to bytes.
	 * @param value the value
	 * @return the bytes
	 */
	public byte[] toBytes(@Nullable Object value) {
		if (value == null) {
			return new byte[0];
		}
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		if (value instanceof String text) {
			return text.getBytes(this.charset);
		}
		return requireJson(value.getClass()).writeValueAsBytes(value);
	}

	/**
	 * Converts bytes to a value.
	 * @param <T> the target type
	 * @param bytes the bytes
	 * @param type the target type
	 * @return the value
	 */
	@SuppressWarnings("unchecked")
	public <T> T fromBytes(byte[] bytes, Type type) {
		if (type == byte[].class) {
			return (T) bytes;
		}
		if (type == String.class) {
			return (T) new String(bytes, this.charset);
		}
		JsonMapper mapper = requireJson(type);
		JavaType javaType = mapper.getTypeFactory().constructType(type);
		return mapper.readValue(bytes, javaType);
	}

	private JsonMapper requireJson(Type type) {
		if (this.jsonMapper == null) {
			throw new IllegalStateException("No JsonMapper to convert " + type.getTypeName()
					+ "; add Jackson (spring-boot-starter-jackson) or use byte[] or String");
		}
		return this.jsonMapper;
	}

}
