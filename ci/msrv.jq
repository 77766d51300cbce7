# Reads `cargo metadata`: the declared rust-version must be the true minimum — every workspace
# member inherits it, and no dependency in the resolved graph declares a newer one. Prints one
# line; fails (jq's `error`) otherwise.
def version: split(".") | map(tonumber);
. as $meta
| [$meta.packages[] | select(.id | IN($meta.workspace_members[]))] as $ours
| ($ours | map(.rust_version) | unique) as $declared
| if ($declared | length) != 1 or $declared[0] == null
  then error("members declare \($ours | map({(.name): .rust_version}) | add); every one must inherit the workspace rust-version")
  else $declared[0] end
| . as $minimum
| [$meta.resolve.nodes[].id] as $used
| [$meta.packages[]
   | select(.id | IN($used[]))
   | select(.rust_version != null and ((.rust_version | version) > ($minimum | version)))
   | "\(.name) \(.version) needs \(.rust_version)"] as $above
| if ($above | length) > 0
  then error("rust-version \($minimum) is below what these need: \($above | join(", "))")
  else "rust-version \($minimum): inherited by \($ours | length) members, no dependency needs more"
  end
