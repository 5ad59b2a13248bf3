// @meshedge/policy: the rules meshedge builds by, as a Pulumi policy pack a platform team can enforce
// on every stack (`pulumi preview --policy-pack <dir>`). Only resources created by meshedge's
// components are judged; a stack without meshedge passes untouched. Each policy's enforcement level
// and settings come from the policy pack config (`--policy-pack-config`); README.md lists them.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("meshedge", { policies });
