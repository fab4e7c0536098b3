package dev.asof.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Push;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.planner.window.WindowFunction;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.FileFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry's storage format: one JSON document per definition. Written field by field so the
 * stored form does not change when Java classes are renamed.
 */
final class DefinitionCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DefinitionCodec() {}

    static String encode(CatalogObject object) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", object.name());
        n.put("ddl", object.ddl());
        if (object instanceof Entity e) {
            n.put("kind", "ENTITY");
            n.set("keys", columns(e.keys()));
        } else if (object instanceof Source s) {
            n.put("kind", "SOURCE");
            if (s.location() instanceof SourceLocation.Table t) {
                ArrayNode path = n.putArray("table");
                t.name().parts().forEach(path::add);
            } else {
                SourceLocation.File f = (SourceLocation.File) s.location();
                n.put("file", f.path());
                n.put("format", f.format().name());
            }
            n.put("eventTime", s.eventTime());
            s.createdTime().ifPresent(c -> n.put("createdTime", c));
            s.push().ifPresent(p -> {
                ObjectNode pn = n.putObject("push");
                p.idempotencyKey().ifPresent(k -> pn.put("idempotencyKey", k));
            });
            n.set("columns", columns(s.columns()));
        } else if (object instanceof RequestView r) {
            n.put("kind", "REQUEST VIEW");
            n.put("entity", r.entity());
            n.put("view", r.view());
            n.set("keys", columns(r.keys()));
            n.set("request", columns(r.request()));
            ArrayNode features = n.putArray("features");
            for (Feature f : r.features()) {
                ObjectNode fn = features.addObject();
                fn.put("expression", f.expression());
                fn.set("type", column(f.type()));
            }
            n.put("online", r.online());
        } else {
            FeatureView v = (FeatureView) object;
            n.put("kind", "FEATURE VIEW");
            n.put("entity", v.entity());
            n.put("source", v.source());
            ArrayNode features = n.putArray("features");
            for (Feature f : v.features()) {
                ObjectNode fn = features.addObject();
                fn.put("expression", f.expression());
                fn.set("type", column(f.type()));
                f.aggregate().ifPresent(a -> {
                    ObjectNode an = fn.putObject("aggregate");
                    an.put("function", a.function().name());
                    a.argument().ifPresent(arg -> an.put("argument", arg));
                    an.put("windowMillis", a.window().toMillis());
                });
            }
            v.ttl().ifPresent(t -> n.put("ttlMillis", t.toMillis()));
            v.hop().ifPresent(h -> n.put("hopMillis", h.toMillis()));
            n.put("online", v.online());
        }
        return n.toString();
    }

    static CatalogObject decode(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            String name = n.get("name").asText();
            String ddl = n.get("ddl").asText();
            return switch (n.get("kind").asText()) {
                case "ENTITY" -> new Entity(name, columns(n.get("keys")), ddl);
                case "SOURCE" -> {
                    SourceLocation location;
                    if (n.has("table")) {
                        List<String> path = new ArrayList<>();
                        n.get("table").forEach(p -> path.add(p.asText()));
                        location = new SourceLocation.Table(TableName.of(path));
                    } else {
                        location = new SourceLocation.File(n.get("file").asText(), FileFormat.valueOf(n.get("format").asText()));
                    }
                    yield new Source(name, location, n.get("eventTime").asText(),
                            Optional.ofNullable(n.get("createdTime")).map(JsonNode::asText), columns(n.get("columns")), ddl,
                            Optional.ofNullable(n.get("push")).map(p -> new Push(
                                    Optional.ofNullable(p.get("idempotencyKey")).map(JsonNode::asText))));
                }
                case "FEATURE VIEW" -> {
                    List<Feature> features = new ArrayList<>();
                    n.get("features").forEach(f -> features.add(new Feature(f.get("expression").asText(), column(f.get("type")),
                            Optional.ofNullable(f.get("aggregate")).map(DefinitionCodec::aggregate))));
                    yield new FeatureView(name, n.get("entity").asText(), n.get("source").asText(), features,
                            Optional.ofNullable(n.get("ttlMillis")).map(t -> Duration.ofMillis(t.asLong())),
                            Optional.ofNullable(n.get("hopMillis")).map(t -> Duration.ofMillis(t.asLong())),
                            n.get("online").asBoolean(), ddl);
                }
                case "REQUEST VIEW" -> {
                    List<Feature> features = new ArrayList<>();
                    n.get("features").forEach(f -> features.add(new Feature(f.get("expression").asText(),
                            column(f.get("type")))));
                    yield new RequestView(name, n.get("entity").asText(), n.get("view").asText(), columns(n.get("keys")),
                            columns(n.get("request")), features, n.get("online").asBoolean(), ddl);
                }
                default -> throw new IllegalStateException("unknown kind in registry: " + n.get("kind"));
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A windowed feature's aggregate; definitions written before windows existed have none. */
    private static WindowAggregate aggregate(JsonNode n) {
        return new WindowAggregate(WindowFunction.valueOf(n.get("function").asText()),
                Optional.ofNullable(n.get("argument")).map(JsonNode::asText),
                Duration.ofMillis(n.get("windowMillis").asLong()));
    }

    private static ArrayNode columns(List<ColumnMetadata> columns) {
        ArrayNode a = JSON.createArrayNode();
        columns.forEach(c -> a.add(column(c)));
        return a;
    }

    private static ObjectNode column(ColumnMetadata c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", c.name());
        n.put("jdbcType", c.jdbcType().name());
        n.put("typeName", c.typeName());
        n.put("precision", c.precision());
        n.put("scale", c.scale());
        return n;
    }

    private static List<ColumnMetadata> columns(JsonNode a) {
        List<ColumnMetadata> columns = new ArrayList<>();
        a.forEach(c -> columns.add(column(c)));
        return columns;
    }

    private static ColumnMetadata column(JsonNode n) {
        return new ColumnMetadata(n.get("name").asText(), JDBCType.valueOf(n.get("jdbcType").asText()),
                n.get("typeName").asText(), n.get("precision").asInt(), n.get("scale").asInt());
    }
}
