import { describe, expect, it } from 'vitest';
import { cgroupOwner } from '../../../agent/kernel/cgroup-owner.js';

/**
 * cgroup path -> pod and container. Paths are the task_memcg / oom_memcg values of real OOM summaries
 * (test/fixtures/kmsg/quoted) where one exists; the kind, CRI-O and level paths follow the kubelet's
 * naming (pkg/kubelet/cm cgroup_manager_linux.go) for the layouts no fixture covers.
 */

const UID = 'd11ab7b0-d6db-4a24-a7de-4a2faf1e6980';
const UID_SYSTEMD = UID.replaceAll('-', '_');
const ID = '9f02d9fa0049eb2655fc83c765f142362b2cb403b57b70ba3185071015ca3b64';

describe('cgroup v1 (cgroupfs driver)', () => {
  it('Burstable container: /kubepods/burstable/pod<uid>/<id>', () => {
    expect(cgroupOwner(`/kubepods/burstable/pod${UID}/${ID}`)).toEqual({
      level: 'container',
      podUid: UID,
      qosClass: 'burstable',
      containerId: ID,
      driver: 'cgroupfs',
    });
  });

  it('Guaranteed pods have no QoS level: /kubepods/pod<uid>/<id>', () => {
    expect(cgroupOwner(`/kubepods/podce695e83-cccc-4fb7-a7a1-1c6dbe0f60df/${ID}`)).toMatchObject({
      level: 'container',
      podUid: 'ce695e83-cccc-4fb7-a7a1-1c6dbe0f60df',
      qosClass: 'guaranteed',
    });
  });

  it('the pod level itself (an oom_memcg when the pod limit was hit)', () => {
    expect(cgroupOwner('/kubepods/burstable/poda545513b-a800-49da-8c45-915a953b7e78')).toEqual({
      level: 'pod',
      podUid: 'a545513b-a800-49da-8c45-915a953b7e78',
      qosClass: 'burstable',
      driver: 'cgroupfs',
    });
  });
});

describe('cgroup v2, systemd driver', () => {
  it('containerd scope under a Burstable pod slice (the AKS fixture)', () => {
    expect(
      cgroupOwner(
        '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5931aa75_4603_4e65_b552_7c71cf55cfb5.slice/cri-containerd-25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca.scope',
      ),
    ).toEqual({
      level: 'container',
      podUid: '5931aa75-4603-4e65-b552-7c71cf55cfb5',
      qosClass: 'burstable',
      containerId: '25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca',
      runtime: 'containerd',
      driver: 'systemd',
    });
  });

  it('Guaranteed pod slice directly under kubepods.slice', () => {
    expect(
      cgroupOwner(
        '/kubepods.slice/kubepods-pod0286b1b7_3c5a_45da_b2f0_1018921d9229.slice/cri-containerd-3fe4c92b3859cfd884d3d336561b813533219cd0cf8ed4b525ab38e9c17d43b9.scope',
      ),
    ).toMatchObject({
      level: 'container',
      podUid: '0286b1b7-3c5a-45da-b2f0-1018921d9229',
      qosClass: 'guaranteed',
    });
  });

  it('Docker and CRI-O scopes (CRI-O also runs conmon in a scope of its own)', () => {
    const slice = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_SYSTEMD}.slice`;
    expect(cgroupOwner(`${slice}/docker-${ID}.scope`)).toMatchObject({ runtime: 'docker', containerId: ID });
    expect(cgroupOwner(`${slice}/crio-${ID}.scope`)).toMatchObject({
      runtime: 'cri-o',
      containerId: ID,
      podUid: UID,
      qosClass: 'besteffort',
    });
    expect(cgroupOwner(`${slice}/crio-conmon-${ID}.scope`)).toMatchObject({
      runtime: 'cri-o',
      containerId: ID,
    });
  });

  it('a nested kubelet cgroup root (kind: /kubelet.slice/kubelet-kubepods.slice/…)', () => {
    expect(
      cgroupOwner(
        `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_SYSTEMD}.slice/cri-containerd-${ID}.scope`,
      ),
    ).toMatchObject({ level: 'container', podUid: UID, qosClass: 'besteffort', containerId: ID });
  });

  it('a scope whose id is not a full container id leaves the pod decoded and the container unknown', () => {
    expect(
      cgroupOwner(
        '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod7145627f_44a7_433c_a896_a8c81a4df533.slice/cri-containerd-914914.scope',
      ),
    ).toEqual({
      level: 'pod',
      podUid: '7145627f-44a7-433c-a896-a8c81a4df533',
      qosClass: 'besteffort',
      driver: 'systemd',
    });
  });
});

describe('cgroup v2, cgroupfs driver', () => {
  it('uses the v1 layout on the unified hierarchy, and decodes the same', () => {
    expect(
      cgroupOwner(
        '/kubepods/besteffort/podbe1e663f-f7a1-4b90-bdfd-bb30afdf7c37/53463dbb01e95cfa79e16677e4a67317688384cc5b6c54d416b48dce0f406b4c',
      ),
    ).toEqual({
      level: 'container',
      podUid: 'be1e663f-f7a1-4b90-bdfd-bb30afdf7c37',
      qosClass: 'besteffort',
      containerId: '53463dbb01e95cfa79e16677e4a67317688384cc5b6c54d416b48dce0f406b4c',
      driver: 'cgroupfs',
    });
    // Under a nested root such as kind's /kubelet.
    expect(cgroupOwner(`/kubelet/kubepods/burstable/pod${UID}/${ID}`)).toMatchObject({
      podUid: UID,
      containerId: ID,
    });
  });
});

describe('levels above a pod, and cgroups that are not pods', () => {
  it.each([
    ['/kubepods.slice', { level: 'kubepods', driver: 'systemd' }],
    ['/kubepods.slice/kubepods-burstable.slice', { level: 'qos', qosClass: 'burstable', driver: 'systemd' }],
    ['/kubepods', { level: 'kubepods', driver: 'cgroupfs' }],
    ['/kubepods/besteffort', { level: 'qos', qosClass: 'besteffort', driver: 'cgroupfs' }],
    ['/nodedoc-oom-capture', { level: 'other' }],
    ['/system.slice/kubelet.service', { level: 'other' }],
    ['/', { level: 'other' }],
    ['', { level: 'other' }],
    ['/kubepods/burstable/podnot-a-uid/x', { level: 'other' }],
  ])('%j', (path, owner) => {
    expect(cgroupOwner(path)).toEqual(owner);
  });
});
