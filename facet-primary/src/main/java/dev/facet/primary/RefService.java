package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.event.EventType;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import dev.facet.git.DefaultBranch;
import dev.facet.git.RepositoryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches, tags and the default branch of a hosted repository, read and changed through the REST
 * API. Reading needs READ on the repository, creating and deleting refs WRITE, choosing the default
 * branch ADMIN, all decided by {@link AccessRules} (which limits access tokens by their scope). Every
 * change is recorded as a REFS_CHANGED event, as a push is, so that mirrors follow; a default branch
 * change names the new HEAD in it, since it moves no ref.
 */
public final class RefService {
    private static final Logger log = LoggerFactory.getLogger(RefService.class);
    private static final Pattern FULL_OBJECT_ID = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern ABBREVIATED_OBJECT_ID = Pattern.compile("[0-9a-fA-F]{4,39}");
    static final int MAX_MESSAGE = 10_000;

    /** How a list of refs is ordered, as Bitbucket's {@code orderBy} names it. */
    public enum Order {
        /** By name. */
        ALPHABETICAL,
        /** Most recently committed to first. */
        MODIFICATION;

        public static Order parse(String raw) {
            if (raw == null || raw.isBlank()) {
                return null;
            }
            try {
                return valueOf(raw.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInput("orderBy", "'orderBy' must be ALPHABETICAL or MODIFICATION, not '" + raw + "'.");
            }
        }
    }

    /** A branch: its full name, short name, the commit it points at, and whether it is the default branch. */
    public record Branch(String id, String displayId, String latestCommit, boolean isDefault) {
    }

    /**
     * A tag: its full name, short name, the commit it names, and for an annotated tag the id of the tag
     * object itself (for a lightweight tag, the commit's).
     */
    public record Tag(String id, String displayId, String latestCommit, String hash) {
    }

    private final Store store;
    private final RepositoryStore repositories;
    private final Clock clock;

    public RefService(Store store, RepositoryStore repositories, Clock clock) {
        this.store = store;
        this.repositories = repositories;
        this.clock = clock;
    }

    /**
     * Branches whose short name contains {@code filterText} (ignoring case), by name unless {@code order} says
     * otherwise; Bitbucket puts the default branch first when no order is asked for, and so does Facet. Only the
     * page's branches have their commits read, unless the order is by commit time.
     */
    public Page<Branch> branches(Caller caller, ProjectKey key, RepositorySlug slug, String filterText, Order order,
                                 int start, int limit) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.READ);
        try (Repository git = repositories.open(repository.id()); RevWalk walk = new RevWalk(git)) {
            String head = DefaultBranch.of(git).orElse(null);
            List<Ref> matching = matching(git, Constants.R_HEADS, filterText);
            Comparator<Ref> byName = Comparator.comparing(ref -> Repository.shortenRefName(ref.getName()));
            Comparator<Ref> sorting = order == Order.MODIFICATION ? newestFirst(walk, matching).thenComparing(byName)
                    : order == Order.ALPHABETICAL ? byName
                    : Comparator.<Ref, Boolean>comparing(ref -> !ref.getName().equals(head)).thenComparing(byName);
            List<Branch> rows = new ArrayList<>();
            for (Ref ref : window(matching, sorting, start, limit)) {
                RevCommit commit = commitOf(walk, ref.getObjectId());
                rows.add(new Branch(ref.getName(), Repository.shortenRefName(ref.getName()),
                        commit == null ? ref.getObjectId().name() : commit.name(), ref.getName().equals(head)));
            }
            return Page.of(rows, start, limit);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the branches of repository " + repository.id(), e);
        }
    }

    /**
     * Tags whose short name contains {@code filterText} (ignoring case), by name unless {@code order} says otherwise;
     * only the page's tags are read, unless the order is by commit time.
     */
    public Page<Tag> tags(Caller caller, ProjectKey key, RepositorySlug slug, String filterText, Order order, int start,
                          int limit) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.READ);
        try (Repository git = repositories.open(repository.id()); RevWalk walk = new RevWalk(git)) {
            List<Ref> matching = matching(git, Constants.R_TAGS, filterText);
            Comparator<Ref> byName = Comparator.comparing(ref -> Repository.shortenRefName(ref.getName()));
            Comparator<Ref> sorting = order == Order.MODIFICATION ? newestFirst(walk, matching).thenComparing(byName)
                    : byName;
            List<Tag> rows = new ArrayList<>();
            for (Ref ref : window(matching, sorting, start, limit)) {
                rows.add(describeTag(walk, ref));
            }
            return Page.of(rows, start, limit);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the tags of repository " + repository.id(), e);
        }
    }

    public Tag tag(Caller caller, ProjectKey key, RepositorySlug slug, String name) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.READ);
        String refName = fullName(Constants.R_TAGS, "name", name, "tag");
        try (Repository git = repositories.open(repository.id()); RevWalk walk = new RevWalk(git)) {
            Ref ref = git.exactRef(refName);
            if (ref == null || ref.getObjectId() == null) {
                throw new NotFound("name", "Repository " + key + "/" + slug + " has no tag '" + name + "'.");
            }
            return describeTag(walk, ref);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tag " + refName + " of repository " + repository.id(), e);
        }
    }

    /** Creates a branch at {@code startPoint}: a commit id, or a branch or tag by short or full name. */
    public Branch createBranch(Caller caller, ProjectKey key, RepositorySlug slug, String name, String startPoint) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.WRITE);
        String refName = fullName(Constants.R_HEADS, "name", name, "branch");
        ObjectId target;
        boolean isDefault;
        try (Repository git = repositories.open(repository.id()); RevWalk walk = new RevWalk(git)) {
            RevCommit commit = resolveCommit(git, walk, startPoint);
            create(git, refName, commit, "branch");
            target = commit.copy();
            isDefault = DefaultBranch.of(git).filter(refName::equals).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create branch " + refName + " in repository " + repository.id(), e);
        }
        record(caller, repository, List.of(new RefChange(refName, ObjectId.zeroId(), target)), null);
        log.info("repository {} {}/{}: branch {} created at {} by {}", repository.id(), key, slug, refName,
                target.name(), caller);
        return new Branch(refName, Repository.shortenRefName(refName), target.name(), isDefault);
    }

    /**
     * Deletes a branch, unless it is the default branch, or {@code expectedCommit} is given and the branch points
     * elsewhere. With {@code dryRun} it only checks that it could.
     */
    public void deleteBranch(Caller caller, ProjectKey key, RepositorySlug slug, String name, String expectedCommit,
                             boolean dryRun) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.WRITE);
        String refName = fullName(Constants.R_HEADS, "name", name, "branch");
        ObjectId before;
        try (Repository git = repositories.open(repository.id())) {
            Ref ref = git.exactRef(refName);
            if (ref == null || ref.getObjectId() == null) {
                throw new NotFound("name", "Repository " + key + "/" + slug + " has no branch '" + name + "'.");
            }
            if (DefaultBranch.of(git).filter(refName::equals).isPresent()) {
                throw new InvalidInput("name", "'" + Repository.shortenRefName(refName) + "' is the default branch of "
                        + key + "/" + slug + "; choose another default branch before deleting it.");
            }
            if (expectedCommit != null && !expectedCommit.isBlank()
                    && !ref.getObjectId().name().equalsIgnoreCase(expectedCommit.trim())) {
                throw new InvalidInput("endPoint", "Branch '" + Repository.shortenRefName(refName) + "' points at "
                        + ref.getObjectId().name() + ", not at " + expectedCommit.trim() + ".");
            }
            before = ref.getObjectId();
            if (dryRun) {
                return;
            }
            delete(git, ref, "branch");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete branch " + refName + " of repository " + repository.id(), e);
        }
        record(caller, repository, List.of(new RefChange(refName, before, ObjectId.zeroId())), null);
        log.info("repository {} {}/{}: branch {} deleted by {}", repository.id(), key, slug, refName, caller);
    }

    /**
     * Creates a tag at {@code startPoint}: annotated, with the caller as tagger, when there is a {@code message},
     * else lightweight. With {@code force} an existing tag of that name is moved.
     */
    public Tag createTag(Caller caller, ProjectKey key, RepositorySlug slug, String name, String startPoint,
                         String message, boolean annotated, boolean force) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.WRITE);
        String refName = fullName(Constants.R_TAGS, "name", name, "tag");
        if (message != null && message.length() > MAX_MESSAGE) {
            throw new InvalidInput("message", "A tag message must be at most " + MAX_MESSAGE + " characters long.");
        }
        if (annotated && (message == null || message.isBlank())) {
            throw new InvalidInput("message", "An annotated tag needs a message.");
        }
        PersonIdent tagger = tagger(caller);
        ObjectId before;
        ObjectId after;
        Tag created;
        try (Repository git = repositories.open(repository.id()); RevWalk walk = new RevWalk(git)) {
            RevCommit commit = resolveCommit(git, walk, startPoint);
            Ref existing = git.exactRef(refName);
            if (existing != null && !force) {
                throw new AlreadyExists("name", "Repository " + key + "/" + slug + " already has a tag '" + name + "'.");
            }
            before = existing == null ? ObjectId.zeroId() : existing.getObjectId();
            after = annotated ? writeTagObject(git, Repository.shortenRefName(refName), commit, message, tagger)
                    : commit.copy();
            if (existing == null) {
                create(git, refName, after, "tag");
            } else {
                move(git, existing, after);
            }
            created = new Tag(refName, Repository.shortenRefName(refName), commit.name(), after.name());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create tag " + refName + " in repository " + repository.id(), e);
        }
        record(caller, repository, List.of(new RefChange(refName, before, after)), null);
        log.info("repository {} {}/{}: tag {} created by {}", repository.id(), key, slug, refName, caller);
        return created;
    }

    public void deleteTag(Caller caller, ProjectKey key, RepositorySlug slug, String name) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.WRITE);
        String refName = fullName(Constants.R_TAGS, "name", name, "tag");
        ObjectId before;
        try (Repository git = repositories.open(repository.id())) {
            Ref ref = git.exactRef(refName);
            if (ref == null || ref.getObjectId() == null) {
                throw new NotFound("name", "Repository " + key + "/" + slug + " has no tag '" + name + "'.");
            }
            before = ref.getObjectId();
            delete(git, ref, "tag");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete tag " + refName + " of repository " + repository.id(), e);
        }
        record(caller, repository, List.of(new RefChange(refName, before, ObjectId.zeroId())), null);
        log.info("repository {} {}/{}: tag {} deleted by {}", repository.id(), key, slug, refName, caller);
    }

    /** The configured default branch (a full ref name), whether or not it exists yet. */
    public String defaultBranch(Caller caller, ProjectKey key, RepositorySlug slug) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.READ);
        return configuredDefault(repository);
    }

    /** The configured default branch (a full ref name) of a repository the caller was already allowed to read. */
    public String configuredDefault(RepositoryRecord repository) {
        try (Repository git = repositories.open(repository.id())) {
            return DefaultBranch.of(git).orElse(Constants.R_HEADS + Constants.MASTER);
        }
    }

    /**
     * The default branch as it exists: empty for a repository without any branch, {@link NotFound} when the
     * configured default branch has not been created yet.
     */
    public Optional<Branch> existingDefaultBranch(Caller caller, ProjectKey key, RepositorySlug slug) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.READ);
        try (Repository git = repositories.open(repository.id()); RevWalk walk = new RevWalk(git)) {
            if (git.getRefDatabase().getRefsByPrefix(Constants.R_HEADS).isEmpty()) {
                return Optional.empty();
            }
            String head = DefaultBranch.of(git).orElse(Constants.R_HEADS + Constants.MASTER);
            Ref ref = git.exactRef(head);
            if (ref == null || ref.getObjectId() == null) {
                throw new NotFound(null, "The default branch '" + Repository.shortenRefName(head) + "' of " + key + "/"
                        + slug + " has not been created yet.");
            }
            RevCommit commit = commitOf(walk, ref.getObjectId());
            return Optional.of(new Branch(head, Repository.shortenRefName(head),
                    commit == null ? ref.getObjectId().name() : commit.name(), true));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the default branch of repository " + repository.id(), e);
        }
    }

    /**
     * Chooses the default branch (short or full name); like Bitbucket, the branch need not exist yet. Mirrors
     * are told through a REFS_CHANGED event that names the new HEAD.
     */
    public void setDefaultBranch(Caller caller, ProjectKey key, RepositorySlug slug, String branch) {
        RepositoryRecord repository = find(caller, key, slug, AccessLevel.ADMIN);
        chooseDefault(caller, repository, branch, "id");
        log.info("repository {} {}/{}: default branch set to {} by {}", repository.id(), key, slug, branch, caller);
    }

    /**
     * Points HEAD of a repository the caller may administer at {@code branch}; records the change when HEAD moved.
     * {@code context} names the request field the branch came from, for a bad name's 400.
     */
    private void chooseDefault(Caller caller, RepositoryRecord repository, String branch, String context) {
        String refName = fullName(Constants.R_HEADS, context, branch, "branch");
        boolean moved;
        try (Repository git = repositories.open(repository.id())) {
            moved = DefaultBranch.choose(git, refName);
        }
        if (moved) {
            record(caller, repository, List.of(), refName);
        }
    }

    private RepositoryRecord find(Caller caller, ProjectKey key, RepositorySlug slug, AccessLevel needed) {
        return store.inTransaction(tx -> {
            RepositoryRecord repository = tx.repositories().find(key, slug)
                    .orElseThrow(() -> AccessRules.notFound(caller, "Repository " + key + "/" + slug + " does not exist."));
            return AccessRules.requireRepository(tx, caller, repository, needed);
        });
    }

    /**
     * Appends the REFS_CHANGED event for refs already moved on disk. Refs and events cannot share a transaction;
     * when this append fails the change still stands and mirrors repair the difference by comparing refs hashes,
     * as after a push.
     */
    private void record(Caller caller, RepositoryRecord repository, List<RefChange> changes, String head) {
        try {
            store.useTransaction(tx -> {
                if (tx.repositories().findById(repository.id()).isEmpty()) {
                    return;
                }
                RefsHash refsHash = repositories.refsHash(repository.id());
                tx.events().append(EventType.REFS_CHANGED, repository.id(), EventPayloads.refsChanged(tx, repository,
                        changes, refsHash, head, caller.name()), clock.instant());
                RecordedStates.update(tx, repository.id(), refsHash);
            });
        } catch (RuntimeException e) {
            log.error("repository {}: ref change not recorded in the event outbox; mirrors will reconcile",
                    repository.id(), e);
        }
    }

    private PersonIdent tagger(Caller caller) {
        User user = caller.isUser() ? store.inTransaction((StoreTransaction tx) -> tx.users().find(caller.name()))
                .orElse(null) : null;
        String name = user == null ? String.valueOf(caller) : user.displayName();
        String email = user == null || user.emailAddress() == null ? String.valueOf(caller) + "@facet"
                : user.emailAddress();
        return new PersonIdent(name, email, clock.instant(), clock.getZone());
    }

    private static ObjectId writeTagObject(Repository git, String name, RevCommit commit, String message,
                                           PersonIdent tagger) throws IOException {
        TagBuilder tag = new TagBuilder();
        tag.setTag(name);
        tag.setObjectId(commit);
        tag.setTagger(tagger);
        tag.setMessage(message.endsWith("\n") ? message : message + "\n");
        try (ObjectInserter inserter = git.newObjectInserter()) {
            ObjectId id = inserter.insert(tag);
            inserter.flush();
            return id;
        }
    }

    private static void create(Repository git, String refName, ObjectId target, String kind) throws IOException {
        if (git.exactRef(refName) != null) {
            throw new AlreadyExists("name", "A " + kind + " named '" + Repository.shortenRefName(refName)
                    + "' already exists.");
        }
        if (git.getRefDatabase().isNameConflicting(refName)) {
            throw new Conflict("name", "The " + kind + " name '" + Repository.shortenRefName(refName)
                    + "' clashes with an existing ref (one cannot be both a ref and a folder of refs).");
        }
        RefUpdate update = git.updateRef(refName);
        update.setExpectedOldObjectId(ObjectId.zeroId());
        update.setNewObjectId(target);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW) {
            throw new Conflict("name", "The " + kind + " '" + Repository.shortenRefName(refName)
                    + "' was not created (" + result + "); did someone create it meanwhile?");
        }
    }

    private static void move(Repository git, Ref existing, ObjectId target) throws IOException {
        RefUpdate update = git.updateRef(existing.getName());
        update.setExpectedOldObjectId(existing.getObjectId());
        update.setNewObjectId(target);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.NO_CHANGE
                && result != RefUpdate.Result.FAST_FORWARD) {
            throw new Conflict("name", "'" + Repository.shortenRefName(existing.getName()) + "' was not moved ("
                    + result + "); did someone change it meanwhile?");
        }
    }

    private static void delete(Repository git, Ref ref, String kind) throws IOException {
        RefUpdate update = git.updateRef(ref.getName());
        update.setExpectedOldObjectId(ref.getObjectId());
        update.setForceUpdate(true);
        RefUpdate.Result result = update.delete();
        if (result != RefUpdate.Result.FORCED) {
            throw new Conflict("name", "The " + kind + " '" + Repository.shortenRefName(ref.getName())
                    + "' was not deleted (" + result + "); did someone change it meanwhile?");
        }
    }

    /** The commit {@code startPoint} names: a full or abbreviated commit id, or a branch or tag by short or full name. */
    private static RevCommit resolveCommit(Repository git, RevWalk walk, String startPoint) throws IOException {
        if (startPoint == null || startPoint.isBlank()) {
            throw new InvalidInput("startPoint", "'startPoint' (a commit id, branch or tag to start from) is required.");
        }
        String wanted = startPoint.trim();
        ObjectId id = null;
        for (String candidate : List.of(wanted, Constants.R_HEADS + wanted, Constants.R_TAGS + wanted)) {
            if (candidate.startsWith(Constants.R_REFS) && Repository.isValidRefName(candidate)) {
                Ref ref = git.exactRef(candidate);
                if (ref != null && ref.getObjectId() != null) {
                    id = ref.getObjectId();
                    break;
                }
            }
        }
        if (id == null && FULL_OBJECT_ID.matcher(wanted).matches()) {
            id = ObjectId.fromString(wanted.toLowerCase(Locale.ROOT));
        } else if (id == null && ABBREVIATED_OBJECT_ID.matcher(wanted).matches()) {
            var matches = walk.getObjectReader().resolve(
                    org.eclipse.jgit.lib.AbbreviatedObjectId.fromString(wanted.toLowerCase(Locale.ROOT)));
            if (matches.size() > 1) {
                throw new InvalidInput("startPoint", "'" + wanted + "' is the start of more than one object id; "
                        + "give more of it.");
            }
            id = matches.isEmpty() ? null : matches.iterator().next();
        }
        RevCommit commit = id == null ? null : commitOf(walk, id);
        if (commit == null) {
            throw new InvalidInput("startPoint", "'" + wanted + "' names no commit, branch or tag in this repository.");
        }
        return commit;
    }

    /** The commit an object id names, peeling tags; null when it names no commit here. */
    private static RevCommit commitOf(RevWalk walk, ObjectId id) throws IOException {
        try {
            RevObject object = walk.peel(walk.parseAny(id));
            return object instanceof RevCommit commit ? commit : null;
        } catch (MissingObjectException | IncorrectObjectTypeException e) {
            return null;
        }
    }

    private static Tag describeTag(RevWalk walk, Ref ref) throws IOException {
        String commit;
        try {
            RevObject object = walk.parseAny(ref.getObjectId());
            RevObject peeled = object instanceof RevTag ? walk.peel(object) : object;
            commit = peeled.name();
        } catch (MissingObjectException e) {
            commit = ref.getObjectId().name();
        }
        return new Tag(ref.getName(), Repository.shortenRefName(ref.getName()), commit, ref.getObjectId().name());
    }

    /** A branch's full name from a short or full name, checked as Git checks it; a bad one is a 400 naming {@code context}. */
    public static String branchName(String context, String name) {
        return fullName(Constants.R_HEADS, context, name, "branch");
    }

    /**
     * A ref's full name from what a client gave: {@code feature/x} or {@code refs/heads/feature/x} for a branch.
     * Names Git would refuse (spaces, {@code ..}, a trailing {@code .lock}, control characters) are a 400 here.
     */
    static String fullName(String prefix, String context, String name, String kind) {
        if (name == null || name.isBlank()) {
            throw new InvalidInput(context, "A " + kind + " name is required.");
        }
        String trimmed = name.trim();
        String full = trimmed.startsWith(prefix) ? trimmed : prefix + trimmed;
        if (trimmed.startsWith(Constants.R_REFS) && !trimmed.startsWith(prefix)) {
            throw new InvalidInput(context, "'" + trimmed + "' is not a " + kind + " (" + prefix + "…).");
        }
        if (full.length() > 1000 || full.equals(prefix) || !Repository.isValidRefName(full)) {
            throw new InvalidInput(context, "'" + trimmed + "' is not a valid " + kind + " name.");
        }
        return full;
    }

    private static boolean matches(String name, String filterText) {
        return filterText == null || filterText.isBlank()
                || name.toLowerCase(Locale.ROOT).contains(filterText.trim().toLowerCase(Locale.ROOT));
    }

    /** The refs under {@code prefix} whose short name contains {@code filterText}, ignoring case. */
    private static List<Ref> matching(Repository git, String prefix, String filterText) throws IOException {
        List<Ref> matching = new ArrayList<>();
        for (Ref ref : git.getRefDatabase().getRefsByPrefix(prefix)) {
            if (ref.getObjectId() != null && matches(Repository.shortenRefName(ref.getName()), filterText)) {
                matching.add(ref);
            }
        }
        return matching;
    }

    /** Newest commit first: every ref's commit is read once, since the order depends on all of them. */
    private static Comparator<Ref> newestFirst(RevWalk walk, List<Ref> refs) throws IOException {
        Map<String, Integer> commitTimes = new HashMap<>();
        for (Ref ref : refs) {
            RevCommit commit = commitOf(walk, ref.getObjectId());
            commitTimes.put(ref.getName(), commit == null ? 0 : commit.getCommitTime());
        }
        return Comparator.<Ref>comparingInt(ref -> commitTimes.get(ref.getName())).reversed();
    }

    /** The page's refs, and one more when there is one, so the page knows whether it is the last. */
    private static List<Ref> window(List<Ref> refs, Comparator<Ref> sorting, int start, int limit) {
        List<Ref> sorted = new ArrayList<>(refs);
        sorted.sort(sorting);
        return sorted.subList(Math.min(start, sorted.size()), (int) Math.min(sorted.size(), (long) start + limit + 1));
    }
}
