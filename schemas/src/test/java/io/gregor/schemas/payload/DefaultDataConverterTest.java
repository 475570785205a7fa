package io.gregor.schemas.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.avro.IdReusePolicy;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.StartWorkflow;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class DefaultDataConverterTest {

  record Line(String sku, int quantity, BigDecimal price) {}

  record Order(String id, Instant placedAt, List<Line> lines) {}

  record OrderSummary(String id) {}

  private final DataConverter converter = DataConverter.defaultConverter();

  @Test
  void aJavaRecordWithTimeAndNestingSurvivesAJsonRoundTrip() {
    Order order = new Order(
        "o-1", Instant.parse("2025-01-02T03:04:05Z"),
        List.of(new Line("A-1", 2, new BigDecimal("9.99"))));

    Payload payload = converter.serialize(order);

    assertThat(payload.getEncoding()).isEqualTo("json");
    assertThat(converter.deserialize(payload, Order.class)).isEqualTo(order);
  }

  @Test
  void jsonPayloadsArePlainJsonWithIsoTimestamps() {
    Payload payload = converter.serialize(
        new Order("o-1", Instant.parse("2025-01-02T03:04:05Z"), List.of()));

    assertThat(text(payload))
        .isEqualTo("{\"id\":\"o-1\",\"placedAt\":\"2025-01-02T03:04:05Z\",\"lines\":[]}");
  }

  @Test
  void simpleValuesSurviveAJsonRoundTrip() {
    assertThat(converter.deserialize(converter.serialize("hello"), String.class)).isEqualTo("hello");
    assertThat(converter.deserialize(converter.serialize(42), Integer.class)).isEqualTo(42);
    assertThat(converter.deserialize(converter.serialize(List.of("a", "b")), String[].class))
        .containsExactly("a", "b");
  }

  @Test
  void unknownJsonPropertiesAreIgnoredSoOlderReadersKeepWorking() {
    Payload newer = payload("json", "{\"id\":\"o-1\",\"addedLater\":true}");

    assertThat(converter.deserialize(newer, OrderSummary.class)).isEqualTo(new OrderSummary("o-1"));
  }

  @Test
  void anAvroRecordUsesSingleObjectEncoding() throws Exception {
    StartWorkflow start = new StartWorkflow("order-1", "OrderWorkflow", null, "billing",
        IdReusePolicy.REFUSE_IF_EXISTS, null, null, null);

    Payload payload = converter.serialize(start);

    assertThat(payload.getEncoding()).isEqualTo("avro");
    assertThat(payload.getData()).isEqualTo(start.toByteBuffer());
    assertThat(converter.deserialize(payload, StartWorkflow.class)).isEqualTo(start);
  }

  @Test
  void aPayloadCanBeReadMoreThanOnce() {
    Payload json = converter.serialize("hello");
    Payload avro = converter.serialize(new StartWorkflow("order-1", "OrderWorkflow", null, null,
        IdReusePolicy.REFUSE_IF_EXISTS, null, null, null));

    converter.deserialize(json, String.class);
    converter.deserialize(avro, StartWorkflow.class);

    assertThat(converter.deserialize(json, String.class)).isEqualTo("hello");
    assertThat(converter.deserialize(avro, StartWorkflow.class).getInstanceId()).isEqualTo("order-1");
  }

  @Test
  void aPayloadPassesThroughUnchanged() {
    Payload payload = payload("xml", "<order/>");

    assertThat(converter.serialize(payload)).isSameAs(payload);
    assertThat(converter.deserialize(payload, Payload.class)).isSameAs(payload);
  }

  @Test
  void nullAndVoidGiveNull() {
    assertThat(converter.serialize(null)).isNull();
    assertThat(converter.deserialize(null, String.class)).isNull();
    assertThat(converter.deserialize(converter.serialize("ignored"), Void.class)).isNull();
  }

  @Test
  void anUnknownEncodingIsRefused() {
    assertThatThrownBy(() -> converter.deserialize(payload("xml", "<order/>"), Order.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessage("Expected payload encoding 'json' or 'avro', but found 'xml'");
  }

  @Test
  void jsonOfTheWrongShapeIsRefusedNamingTheType() {
    Payload payload = payload("json", "{\"id\":\"o-1\",\"placedAt\":\"yesterday\"}");

    assertThatThrownBy(() -> converter.deserialize(payload, Order.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessageStartingWith("Cannot read payload as "
            + "io.gregor.schemas.payload.DefaultDataConverterTest$Order: ")
        .hasMessageContaining("yesterday");
  }

  @Test
  void brokenJsonIsRefusedNamingTheType() {
    assertThatThrownBy(() -> converter.deserialize(payload("json", "{\"id\":"), OrderSummary.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessageStartingWith("Cannot read payload as "
            + "io.gregor.schemas.payload.DefaultDataConverterTest$OrderSummary: ");
  }

  @Test
  void anAvroPayloadIntoAPlainClassIsRefused() {
    Payload avro = converter.serialize(new StartWorkflow("order-1", "OrderWorkflow", null, null,
        IdReusePolicy.REFUSE_IF_EXISTS, null, null, null));

    assertThatThrownBy(() -> converter.deserialize(avro, Order.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessage("Expected a generated Avro class to read an 'avro' payload into, but found "
            + "io.gregor.schemas.payload.DefaultDataConverterTest$Order");
  }

  @Test
  void bytesThatAreNotSingleObjectEncodedAreRefusedNamingTheType() {
    assertThatThrownBy(() -> converter.deserialize(payload("avro", "{}"), StartWorkflow.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessageStartingWith("Cannot read payload as io.gregor.schemas.avro.StartWorkflow: ");
  }

  @Test
  void aGenericAvroRecordIsRefused() {
    GenericData.Record generic = new GenericData.Record(StartWorkflow.getClassSchema());

    assertThatThrownBy(() -> converter.serialize(generic))
        .isInstanceOf(DataConversionException.class)
        .hasMessage("Expected a generated Avro class to write as Avro, but found a generic "
            + "io.gregor.schemas.avro.StartWorkflow");
  }

  @Test
  void aValueJacksonCannotWriteIsRefusedNamingItsClass() {
    Object unwritable = new Object();

    assertThatThrownBy(() -> converter.serialize(unwritable))
        .isInstanceOf(DataConversionException.class)
        .hasMessageStartingWith("Cannot write java.lang.Object as JSON: ");
  }

  private static Payload payload(String encoding, String text) {
    return new Payload(encoding, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(Payload payload) {
    return StandardCharsets.UTF_8.decode(payload.getData().duplicate()).toString();
  }
}
