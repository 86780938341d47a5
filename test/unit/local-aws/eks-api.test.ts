import { describe, expect, it } from 'vitest';
import { describeClusterBody, eksAuthError, eksError, eksRoute } from '../../../infra/local/aws/eks-api.js';

const SCOPE = {
  region: 'eu-west-1',
  accountId: '123456789012',
  createdAt: new Date('2026-11-25T10:00:00.500Z'),
};
const CLUSTER = { name: 'sandbox', endpoint: 'https://127.0.0.1:6443', caData: 'LS0tLS1CRUdJTg==' };

describe('EKS DescribeCluster', () => {
  it('describes an ACTIVE cluster with endpoint, CA data, access config and VPC config', () => {
    // Act
    const body = describeClusterBody(CLUSTER, SCOPE);

    // Assess
    expect(body.cluster).toMatchObject({
      name: 'sandbox',
      arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/sandbox',
      createdAt: SCOPE.createdAt.getTime() / 1000,
      endpoint: 'https://127.0.0.1:6443',
      certificateAuthority: { data: 'LS0tLS1CRUdJTg==' },
      status: 'ACTIVE',
      version: '1.33',
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      resourcesVpcConfig: {
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      },
    });
  });

  it('gives a cluster being created no endpoint and an empty certificateAuthority, like EKS', () => {
    // Act
    const body = describeClusterBody({ ...CLUSTER, status: 'CREATING', version: '1.31' }, SCOPE);

    // Assess
    expect(body.cluster).toMatchObject({ status: 'CREATING', version: '1.31', certificateAuthority: {} });
    expect(body.cluster).not.toHaveProperty('endpoint');
  });

  it('routes GET /clusters/{name} only, decoding the name', () => {
    // Act
    const routes = [
      eksRoute('GET', '/clusters/my%2Dcluster'),
      eksRoute('POST', '/clusters/x'),
      eksRoute('GET', '/clusters/x/addons'),
    ];

    // Assess
    expect(routes).toEqual([{ action: 'DescribeCluster', name: 'my-cluster' }, undefined, undefined]);
  });
});

describe('EKS errors', () => {
  it('puts the code in x-amzn-ErrorType and the message in the body', () => {
    // Act
    const reply = eksError('ResourceNotFoundException', 'No cluster found for name: x.', 404, 'req', {
      clusterName: 'x',
    });

    // Assess
    expect(reply.status).toBe(404);
    expect(reply.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(JSON.parse(reply.body)).toEqual({ clusterName: 'x', message: 'No cluster found for name: x.' });
  });

  it.each([
    ['InvalidClientTokenId', 'UnrecognizedClientException'],
    ['SignatureDoesNotMatch', 'InvalidSignatureException'],
    ['ExpiredToken', 'ExpiredTokenException'],
  ])('names the %s authentication failure %s, as REST-JSON services do', (code, restCode) => {
    // Act
    const reply = eksAuthError({ code, message: 'm', status: 403 }, 'req');

    // Assess
    expect([reply.status, reply.headers['x-amzn-errortype']]).toEqual([403, restCode]);
  });
});
