package dev.facet.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.facet.core.access.Permission;
import dev.facet.core.event.EventPayload.MirrorSelectionChanged;
import dev.facet.core.event.EventPayload.MirrorSynchronized;
import dev.facet.core.event.EventPayload.PermissionsChanged;
import dev.facet.core.event.EventPayload.RefsChanged;
import dev.facet.core.event.EventPayload.Repository;
import dev.facet.core.event.EventPayload.RepositoryCreated;
import dev.facet.core.event.EventPayload.RepositoryDeleted;
import dev.facet.core.event.EventPayload.RepositoryRenamed;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventPayloadCodecTest {
    private static final ObjectId ONE = ObjectId.fromString("1111111111111111111111111111111111111111");
    private static final ObjectId TWO = ObjectId.fromString("2222222222222222222222222222222222222222");
    private static final String HASH = "ab".repeat(32);
    private static final Repository REPOSITORY = new Repository(7, new ProjectKey("EVT"), new RepositorySlug("outbox"),
            new RepositoryName("Outbox"), true);
    private static final String REPOSITORY_JSON =
            "{\"id\":7,\"project\":\"EVT\",\"slug\":\"outbox\",\"name\":\"Outbox\",\"public\":true}";

    /** Each payload with the exact text the primary wrote for it before the codec existed. */
    static Stream<Arguments> payloadsAsThePrimaryWritesThem() {
        return Stream.of(
                Arguments.of(new RepositoryCreated(REPOSITORY), "{\"repository\":" + REPOSITORY_JSON + "}"),
                Arguments.of(new RepositoryDeleted(REPOSITORY), "{\"repository\":" + REPOSITORY_JSON + "}"),
                Arguments.of(new RepositoryRenamed(REPOSITORY, new RepositorySlug("old-box"), new RepositoryName("Old Box")),
                        "{\"repository\":" + REPOSITORY_JSON + ",\"previousSlug\":\"old-box\",\"previousName\":\"Old Box\"}"),
                Arguments.of(new RefsChanged(REPOSITORY, new RefsHash(HASH), List.of(
                                new RefChange("refs/heads/main", ONE, TWO),
                                new RefChange("refs/tags/v1", null, ONE),
                                new RefChange("refs/heads/topic", TWO, null))),
                        "{\"repository\":" + REPOSITORY_JSON + ",\"refsHash\":\"" + HASH + "\",\"changes\":["
                                + "{\"ref\":\"refs/heads/main\",\"from\":\"" + ONE.name() + "\",\"to\":\"" + TWO.name() + "\"},"
                                + "{\"ref\":\"refs/tags/v1\",\"from\":\"" + ObjectId.zeroId().name() + "\",\"to\":\"" + ONE.name() + "\"},"
                                + "{\"ref\":\"refs/heads/topic\",\"from\":\"" + TWO.name() + "\",\"to\":\"" + ObjectId.zeroId().name() + "\"}]}"),
                Arguments.of(new RefsChanged(REPOSITORY, new RefsHash(HASH), List.of(), "refs/heads/stable", null),
                        "{\"repository\":" + REPOSITORY_JSON + ",\"refsHash\":\"" + HASH + "\",\"changes\":[],"
                                + "\"head\":\"refs/heads/stable\"}"),
                Arguments.of(new RefsChanged(REPOSITORY, new RefsHash(HASH), List.of(
                                new RefChange("refs/heads/main", ONE, TWO)), null, new Username("alice")),
                        "{\"repository\":" + REPOSITORY_JSON + ",\"refsHash\":\"" + HASH + "\",\"changes\":["
                                + "{\"ref\":\"refs/heads/main\",\"from\":\"" + ONE.name() + "\",\"to\":\"" + TWO.name() + "\"}],"
                                + "\"actor\":\"alice\"}"),
                Arguments.of(PermissionsChanged.onProject(new ProjectKey("EVT"), new Username("alice"), Permission.PROJECT_WRITE),
                        "{\"scope\":\"PROJECT\",\"project\":\"EVT\",\"user\":\"alice\",\"permission\":\"PROJECT_WRITE\"}"),
                Arguments.of(PermissionsChanged.onProject(new ProjectKey("EVT"), new Username("alice"), null),
                        "{\"scope\":\"PROJECT\",\"project\":\"EVT\",\"user\":\"alice\",\"permission\":null}"),
                Arguments.of(PermissionsChanged.onRepository(new ProjectKey("EVT"), 7, new Username("bob"), Permission.REPO_READ),
                        "{\"scope\":\"REPOSITORY\",\"project\":\"EVT\",\"repositoryId\":7,\"user\":\"bob\",\"permission\":\"REPO_READ\"}"),
                Arguments.of(PermissionsChanged.onRepository(new ProjectKey("EVT"), 7, new Username("bob"), null),
                        "{\"scope\":\"REPOSITORY\",\"project\":\"EVT\",\"repositoryId\":7,\"user\":\"bob\",\"permission\":null}"),
                Arguments.of(PermissionsChanged.visibility(new ProjectKey("EVT"), 7),
                        "{\"scope\":\"PUBLIC\",\"project\":\"EVT\",\"repositoryId\":7,\"permission\":null}"),
                Arguments.of(PermissionsChanged.account(new Username("carol")), "{\"scope\":\"USER\",\"user\":\"carol\"}"),
                Arguments.of(PermissionsChanged.groupOnProject(new ProjectKey("EVT"), new GroupName("devs"), Permission.PROJECT_READ),
                        "{\"scope\":\"PROJECT\",\"project\":\"EVT\",\"group\":\"devs\",\"permission\":\"PROJECT_READ\"}"),
                Arguments.of(PermissionsChanged.groupOnRepository(new ProjectKey("EVT"), 7, new GroupName("devs"), null),
                        "{\"scope\":\"REPOSITORY\",\"project\":\"EVT\",\"repositoryId\":7,\"group\":\"devs\",\"permission\":null}"),
                Arguments.of(PermissionsChanged.groupChanged(new GroupName("release managers")),
                        "{\"scope\":\"GROUP\",\"group\":\"release managers\"}"),
                Arguments.of(new MirrorSelectionChanged("mirror-1"), "{\"mirrorId\":\"mirror-1\"}"),
                Arguments.of(new MirrorSynchronized(REPOSITORY, "mirror-1", "Mirror One", new RefsHash(HASH),
                                List.of(new RefChange("refs/heads/main", ONE, TWO)), false),
                        "{\"repository\":" + REPOSITORY_JSON + ",\"mirrorId\":\"mirror-1\",\"mirrorName\":\"Mirror One\","
                                + "\"refsHash\":\"" + HASH + "\",\"changes\":[{\"ref\":\"refs/heads/main\",\"from\":\""
                                + ONE.name() + "\",\"to\":\"" + TWO.name() + "\"}],\"snapshot\":false}"));
    }

    @ParameterizedTest
    @MethodSource("payloadsAsThePrimaryWritesThem")
    void encodesEachPayloadExactlyAsThePrimaryAlwaysHas(EventPayload payload, String json) {
        assertThat(EventPayloadCodec.encode(payload)).isEqualTo(json);
    }

    @ParameterizedTest
    @MethodSource("payloadsAsThePrimaryWritesThem")
    void decodesWhatThePrimaryWroteIntoTheSamePayload(EventPayload payload, String json) {
        assertThat(EventPayloadCodec.decode(payload.type(), json)).isEqualTo(payload);
    }

    @Test
    void everyEventTypeHasAPayloadThatRoundTrips() {
        List<EventType> covered = payloadsAsThePrimaryWritesThem()
                .map(arguments -> ((EventPayload) arguments.get()[0]).type()).distinct().toList();
        assertThat(covered).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void decodesAnEventByItsOwnType() {
        String json = EventPayloadCodec.encode(new MirrorSelectionChanged("m"));
        Event event = new Event(1, EventType.MIRROR_SELECTION_CHANGED, null, json, java.time.Instant.EPOCH,
                EventChain.GENESIS_HASH, EventChain.GENESIS_HASH);
        assertThat(EventPayloadCodec.decode(event)).isEqualTo(new MirrorSelectionChanged("m"));
    }

    @Test
    void namesTheProjectAnEventIsAboutAndNoneForInstanceWideOnes() {
        assertThat(new RefsChanged(REPOSITORY, new RefsHash(HASH), List.of()).project()).contains(new ProjectKey("EVT"));
        assertThat(PermissionsChanged.visibility(new ProjectKey("EVT"), 7).project()).contains(new ProjectKey("EVT"));
        assertThat(PermissionsChanged.account(new Username("carol")).project()).isEmpty();
        assertThat(new MirrorSelectionChanged("m").project()).isEmpty();
    }

    @Test
    void ignoresFieldsALaterVersionMayAdd() {
        String json = "{\"mirrorId\":\"m\",\"reason\":\"added later\"}";
        assertThat(EventPayloadCodec.decode(EventType.MIRROR_SELECTION_CHANGED, json))
                .isEqualTo(new MirrorSelectionChanged("m"));
    }

    static Stream<Arguments> malformedPayloads() {
        String refs = "{\"repository\":" + REPOSITORY_JSON + ",\"refsHash\":\"" + HASH + "\",\"changes\":";
        return Stream.of(
                Arguments.of(EventType.REPOSITORY_CREATED, "not json", "not JSON"),
                Arguments.of(EventType.REPOSITORY_CREATED, "[1,2]", "not a JSON object"),
                Arguments.of(EventType.REPOSITORY_CREATED, "", "not a JSON object"),
                Arguments.of(EventType.REPOSITORY_CREATED, "{}", "repository must be an object"),
                Arguments.of(EventType.REPOSITORY_DELETED, "{\"repository\":{\"project\":\"EVT\",\"slug\":\"a\","
                        + "\"name\":\"A\",\"public\":false}}", "repository.id must be a whole number"),
                Arguments.of(EventType.REPOSITORY_DELETED, "{\"repository\":{\"id\":\"7\",\"project\":\"EVT\","
                        + "\"slug\":\"a\",\"name\":\"A\",\"public\":false}}", "repository.id must be a whole number"),
                Arguments.of(EventType.REPOSITORY_DELETED, "{\"repository\":{\"id\":7,\"project\":\"EVT\","
                        + "\"slug\":\"a\",\"name\":\"A\",\"public\":\"yes\"}}", "repository.public must be true or false"),
                Arguments.of(EventType.REPOSITORY_CREATED, "{\"repository\":{\"id\":7,\"project\":\"1EVT\","
                        + "\"slug\":\"a\",\"name\":\"A\",\"public\":false}}", "Project key '1EVT' is invalid"),
                Arguments.of(EventType.REPOSITORY_RENAMED, "{\"repository\":" + REPOSITORY_JSON + "}",
                        "previousSlug must be a string"),
                Arguments.of(EventType.REFS_CHANGED, "{\"repository\":" + REPOSITORY_JSON + ",\"changes\":[]}",
                        "refsHash must be a string"),
                Arguments.of(EventType.REFS_CHANGED, refs.replace(HASH, "short") + "[]}",
                        "A refs hash is 64 lower-case hex digits"),
                Arguments.of(EventType.REFS_CHANGED, refs + "{}}", "changes must be an array"),
                Arguments.of(EventType.REFS_CHANGED, refs + "[{\"ref\":\"refs/heads/main\",\"from\":\"" + ONE.name()
                        + "\",\"to\":\"xyz\"}]}", "changes[0].to is not a 40-digit object id"),
                Arguments.of(EventType.REFS_CHANGED, refs + "[{\"from\":\"" + ONE.name() + "\",\"to\":\"" + TWO.name()
                        + "\"}]}", "changes[0].ref must be a string"),
                Arguments.of(EventType.PERMISSIONS_CHANGED, "{\"scope\":\"GALAXY\",\"user\":\"carol\"}",
                        "scope 'GALAXY' is not one of [PROJECT, REPOSITORY, PUBLIC, USER, GROUP]"),
                Arguments.of(EventType.PERMISSIONS_CHANGED, "{\"scope\":\"PROJECT\",\"project\":\"EVT\",\"user\":\"alice\","
                        + "\"permission\":\"ROOT\"}", "permission 'ROOT' is not one of"),
                Arguments.of(EventType.PERMISSIONS_CHANGED, "{\"scope\":\"PROJECT\",\"project\":\"EVT\",\"user\":\"alice\","
                        + "\"permission\":\"REPO_READ\"}", "a project grant names its project and a user or a group"),
                Arguments.of(EventType.PERMISSIONS_CHANGED, "{\"scope\":\"GROUP\",\"group\":\"Devs\"}",
                        "must be in lower case"),
                Arguments.of(EventType.PERMISSIONS_CHANGED, "{\"scope\":\"USER\"}", "an account change names its user"),
                Arguments.of(EventType.MIRROR_SELECTION_CHANGED, "{\"mirrorId\":42}", "mirrorId must be a string"));
    }

    @ParameterizedTest
    @MethodSource("malformedPayloads")
    void refusesAPayloadThatDoesNotFitItsTypeAndSaysWhy(EventType type, String json, String why) {
        assertThatExceptionOfType(MalformedEventPayload.class)
                .isThrownBy(() -> EventPayloadCodec.decode(type, json))
                .withMessageStartingWith("Malformed " + type + " event payload: ")
                .withMessageContaining(why);
    }

    @Test
    void refusesAPayloadOfAnotherTypesShape() {
        String created = EventPayloadCodec.encode(new RepositoryCreated(REPOSITORY));
        assertThatExceptionOfType(MalformedEventPayload.class)
                .isThrownBy(() -> EventPayloadCodec.decode(EventType.MIRROR_SELECTION_CHANGED, created))
                .withMessageContaining("mirrorId must be a string");
    }

    @Test
    void aHeadThatIsNotABranchIsRefused() {
        assertThatExceptionOfType(MalformedEventPayload.class).isThrownBy(() -> EventPayloadCodec.decode(
                EventType.REFS_CHANGED, "{\"repository\":" + REPOSITORY_JSON + ",\"refsHash\":\"" + HASH
                        + "\",\"changes\":[],\"head\":\"refs/tags/v1\"}"));
    }

    @Test
    void refusesAnEventWithoutAType() {
        assertThatExceptionOfType(MalformedEventPayload.class)
                .isThrownBy(() -> EventPayloadCodec.decode(null, "{}"))
                .withMessageContaining("no type");
    }

    @Test
    void refusesToBuildAPayloadThatBreaksItsOwnRules() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PermissionsChanged(PermissionsChanged.Scope.USER,
                new ProjectKey("EVT"), null, new Username("carol"), null));
        assertThatIllegalArgumentException().isThrownBy(() -> new PermissionsChanged(PermissionsChanged.Scope.PROJECT,
                new ProjectKey("EVT"), null, new Username("carol"), null, new GroupName("devs")));
        assertThatIllegalArgumentException().isThrownBy(() -> new PermissionsChanged(PermissionsChanged.Scope.GROUP,
                null, null, new Username("carol"), null, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new PermissionsChanged(PermissionsChanged.Scope.PUBLIC,
                new ProjectKey("EVT"), 7L, new Username("carol"), null));
        assertThatIllegalArgumentException().isThrownBy(() -> new Repository(0, new ProjectKey("EVT"),
                new RepositorySlug("a"), new RepositoryName("A"), false));
    }
}
