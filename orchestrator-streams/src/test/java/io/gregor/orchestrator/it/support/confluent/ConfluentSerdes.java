package io.gregor.orchestrator.it.support.confluent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The tests' handle on {@link ConfluentOracle}, which runs in a class loader of its own holding
 * only the oracle's classes and the jar named by system property {@value #JAR_PROPERTY} (the
 * build sets it; the jar is kept off the tests' class path because it bundles Guava, Snappy and
 * zstd unrelocated). SLF4J is shared, since the relocated Confluent client logs through it.
 */
public final class ConfluentSerdes implements AutoCloseable {
    /** The system property naming {@code flink-sql-avro-confluent-registry}'s jar. */
    public static final String JAR_PROPERTY = "gregor.confluent.oracle.jar";

    private final URLClassLoader loader;
    private final Object oracle;

    private ConfluentSerdes(URLClassLoader loader, Object oracle) {
        this.loader = loader;
        this.oracle = oracle;
    }

    /**
     * @param registryUrl the Confluent-compatible API's base URL
     * @return serdes talking to that registry
     * @throws IllegalStateException if the jar is not where {@value #JAR_PROPERTY} says
     */
    public static ConfluentSerdes connect(String registryUrl) throws ReflectiveOperationException, IOException {
        String jar = System.getProperty(JAR_PROPERTY, "");
        if (jar.isBlank() || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("Expected flink-sql-avro-confluent-registry's jar at system property "
                    + JAR_PROPERTY + ", but found '" + jar + "' (run the tests with Maven, which sets it)");
        }
        URL testClasses = ConfluentSerdes.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader loader = new URLClassLoader(new URL[] {testClasses, Path.of(jar).toUri().toURL()},
                new Slf4jOnly(ConfluentSerdes.class.getClassLoader()));
        Object oracle = loader.loadClass(ConfluentSerdes.class.getPackageName() + ".ConfluentOracle")
                .getConstructor(String.class).newInstance(registryUrl);
        return new ConfluentSerdes(loader, oracle);
    }

    /** See {@link ConfluentOracle#serialize}. */
    public byte[] serialize(String subject, String schemaJson, String recordJson) {
        return (byte[]) call("serialize", new Class<?>[] {String.class, String.class, String.class}, subject, schemaJson, recordJson);
    }

    /** See {@link ConfluentOracle#deserialize}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> deserialize(byte[] bytes) {
        return (Map<String, Object>) call("deserialize", new Class<?>[] {byte[].class}, (Object) bytes);
    }

    /** See {@link ConfluentOracle#compatibility}. */
    public String compatibility(String subject) {
        return (String) call("compatibility", new Class<?>[] {String.class}, subject);
    }

    private Object call(String method, Class<?>[] types, Object... arguments) {
        try {
            return oracle.getClass().getMethod(method, types).invoke(oracle, arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Confluent's " + method + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            call("close", new Class<?>[0]);
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The platform's classes, plus SLF4J from the tests' class path. */
    private static final class Slf4jOnly extends ClassLoader {
        private final ClassLoader tests;

        Slf4jOnly(ClassLoader tests) {
            super(ClassLoader.getPlatformClassLoader());
            this.tests = tests;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith("org.slf4j.")) {
                return tests.loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }
}
