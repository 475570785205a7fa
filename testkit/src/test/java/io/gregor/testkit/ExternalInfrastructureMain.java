package io.gregor.testkit;

/** A child-JVM main class for {@link GregorInfrastructureConfigurationTest}: prints what {@code shared()} chose. */
public final class ExternalInfrastructureMain {

    private ExternalInfrastructureMain() {
    }

    /**
     * Prints the shared infrastructure's addresses and whether anything was started.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        GregorInfrastructure infra = GregorInfrastructure.shared();
        System.out.println("bootstrap=" + infra.bootstrapServers()
                + " registry=" + infra.schemaRegistryUrl()
                + " embeddedKafka=" + infra.embeddedKafka().isPresent()
                + " embeddedRegistry=" + infra.embeddedSchemaRegistry().isPresent());
    }
}
