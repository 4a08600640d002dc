package dev.facet.git;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * The ref updates that bring a mirror's copy of a repository to the upstream's refs, decided before
 * any is applied: which refs are created, fast-forwarded, rewound or deleted, what is kept aside
 * (a rewound or deleted ref's old object, under {@link KeptRefs}), and what is held back because
 * destructive changes are not allowed now (while an upstream alert is open). Deciding is pure, so
 * it can be tested without a transport; {@link MirrorRefs} applies the plan in one atomic batch.
 */
public record RefPlan(List<Step> steps, List<String> heldBack) {

    /** What one step does to a ref. */
    public enum Kind {
        CREATE,
        FAST_FORWARD,
        /** A forced update to a commit that does not contain the ref's old one. */
        REWIND,
        DELETE,
        /** Creates a ref under {@link KeptRefs} holding what a rewind or deletion moves away from. */
        KEEP
    }

    /** One ref update; {@code from} is zero for a creation, {@code to} is zero for a deletion. */
    public record Step(Kind kind, String refName, ObjectId from, ObjectId to) {
        public Step {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(refName, "refName");
            from = from.copy();
            to = to.copy();
        }

        ReceiveCommand command() {
            // The batch allows non-fast-forwards, so the type labels the update and is not checked again.
            ReceiveCommand.Type type = switch (kind) {
                case CREATE, KEEP -> ReceiveCommand.Type.CREATE;
                case FAST_FORWARD -> ReceiveCommand.Type.UPDATE;
                case REWIND -> ReceiveCommand.Type.UPDATE_NONFASTFORWARD;
                case DELETE -> ReceiveCommand.Type.DELETE;
            };
            return new ReceiveCommand(from, to, refName, type);
        }
    }

    /** Whether a commit contains another; asked only of refs whose objects the mirror already holds. */
    @FunctionalInterface
    public interface Ancestry {
        boolean isAncestor(ObjectId ancestor, ObjectId descendant);
    }

    public RefPlan {
        steps = List.copyOf(steps);
        heldBack = List.copyOf(heldBack);
    }

    /**
     * Plans the updates from the mirror's {@code local} refs to the {@code upstream} ones (both under
     * {@code refs/}, names to objects). Refs the mirror keeps aside are never touched.
     *
     * @param destructive whether refs may be deleted or rewound; when not, such changes are held back and the
     *                    refs keep what they have
     * @param at          when the plan is applied; names the kept refs
     */
    public static RefPlan of(Map<String, ObjectId> upstream, Map<String, ObjectId> local, Ancestry ancestry,
                             boolean destructive, Instant at) {
        Map<String, ObjectId> mirrored = new TreeMap<>(local);
        mirrored.keySet().removeIf(KeptRefs::isKept);
        List<Step> steps = new ArrayList<>();
        List<String> heldBack = new ArrayList<>();
        new TreeMap<>(upstream).forEach((name, wanted) -> {
            ObjectId current = mirrored.get(name);
            if (current == null) {
                steps.add(new Step(Kind.CREATE, name, ObjectId.zeroId(), wanted));
            } else if (!current.equals(wanted)) {
                if (ancestry.isAncestor(current, wanted)) {
                    steps.add(new Step(Kind.FAST_FORWARD, name, current, wanted));
                } else if (destructive) {
                    steps.add(new Step(Kind.REWIND, name, current, wanted));
                    steps.add(keep(name, current, at));
                } else {
                    heldBack.add(name);
                }
            }
        });
        mirrored.forEach((name, current) -> {
            if (!upstream.containsKey(name)) {
                if (destructive) {
                    steps.add(new Step(Kind.DELETE, name, current, ObjectId.zeroId()));
                    steps.add(keep(name, current, at));
                } else {
                    heldBack.add(name);
                }
            }
        });
        return new RefPlan(steps, heldBack);
    }

    private static Step keep(String refName, ObjectId old, Instant at) {
        return new Step(Kind.KEEP, KeptRefs.keptName(refName, at), ObjectId.zeroId(), old);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** The names of the refs this plan changes in the way {@code kind} says. */
    public List<String> refs(Kind kind) {
        return steps.stream().filter(step -> step.kind() == kind).map(Step::refName).toList();
    }

    List<ReceiveCommand> commands() {
        return steps.stream().map(Step::command).toList();
    }
}
