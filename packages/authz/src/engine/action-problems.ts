import type { GoValue } from '../decode/go-json.js';
import { queryValue, type RequestInputs } from '../decode/request-inputs.js';
import { buildProblems } from './build.js';
import { bindsStillSafeProblems, containerCreateProblems } from './container-create.js';
import { imageAllowed, imageNames, inOwnNamespace, normalizeImageReference } from './image-reference.js';
import { execCreateProblems, execStartProblems, updateProblems } from './other-bodies.js';
import { networkConnectProblems, networkCreateProblems, volumeCreateProblems } from './object-bodies.js';
import { importProblems, pullProblems } from './pull.js';
import { ownContainerProblem, ownNetworkProblem, ownVolumeProblem, type RuleContext } from './rule-context.js';
import type { Route } from './routes.js';

/** One request, decoded: what the rules see. */
export interface ActionRequest {
  action: string;
  targetKind: Route['target'];
  /** The path parameter (a container, exec ID, image, volume, network or repository name). */
  target: string | undefined;
  /** The JSON body, decoded, on routes that read one. */
  body: GoValue | undefined;
  inputs: RequestInputs;
  /** The API version the client asked for (undefined: the engine's newest). */
  version: string | undefined;
}


/** The target must be the user's; then each action's own rules. Returns the problems, each with what to do. */
export async function actionProblems(request: ActionRequest, context: RuleContext): Promise<string[]> {
  const { action, target, body, inputs } = request;
  const targetProblem = await targetOwnershipProblem(request, context);
  if (targetProblem) return [targetProblem];
  const json = body as GoValue;
  switch (action) {
    case 'container.create':
      return containerCreateProblems(json, context, request.version);
    case 'container.start':
    case 'container.restart':
    case 'container.archive.read':
    case 'container.archive.write':
      // dockerd resolves the container's bind sources again for each of these.
      return bindsStillSafeProblems(target as string, context);
    case 'container.exec':
      return execCreateProblems(json, context);
    case 'exec.start':
      return execStartProblems(json);
    case 'container.update':
      return updateProblems(json, context);
    case 'container.commit': {
      const problem = await ownContainerProblem(queryValue(inputs, 'container'), context, 'docker commit');
      const repo = queryValue(inputs, 'repo');
      return [problem, repo !== '' && !inOwnNamespace(repo, context.account.name) ? `docker commit: commit to ${context.account.name}/NAME, not ${repo}` : ''].filter(Boolean);
    }
    case 'volume.create':
      return volumeCreateProblems(json, context);
    case 'network.create':
      return networkCreateProblems(json, context);
    case 'network.connect':
    case 'network.disconnect':
      return networkConnectProblems(json, target as string, context);
    case 'image.pull':
      return pullProblems(inputs, context);
    case 'image.import':
      return importProblems(inputs, context);
    case 'image.build':
      return buildProblems(inputs, context);
    case 'image.tag': {
      const repo = queryValue(inputs, 'repo');
      return inOwnNamespace(repo, context.account.name) ? [] : [`docker tag: tag under your own name (${context.account.name}/NAME), not ${repo}`];
    }
    case 'image.remove':
      return inOwnNamespace(target as string, context.account.name) ? [] : [`docker rmi ${target}: you may remove only images under your own name (${context.account.name}/…)`];
    case 'image.inspect':
    case 'image.history': {
      // Another user's own image holds their build's environment and history: only images the user may use.
      const info = await context.docker.image(target as string);
      return !info || imageAllowed(imageNames(target as string, info), context.rules.images) ? [] : [`${target} is not an image you may use`];
    }
    case 'image.save':
      return [...(inputs.query.get('names') ?? []), ...(target ? [target] : [])]
        .filter((name) => !imageAllowed([normalizeImageReference(name)], context.rules.images))
        .map((name) => `docker save ${name}: not an image you may use`);
    case 'distribution.inspect':
    case 'image.push':
      // dockerd connects to the registry the name gives: only names the policy allows.
      return imageAllowed([normalizeImageReference(target as string)], context.rules.images) ? [] : [`${target} is not an image you may use, so dockerd will not contact its registry for you`];
    default:
      return [];
  }
}

async function targetOwnershipProblem(request: ActionRequest, context: RuleContext): Promise<string> {
  const { action, targetKind, target } = request;
  if (target === undefined) return '';
  switch (targetKind) {
    case 'container':
      return ownContainerProblem(target, context, action);
    case 'exec': {
      const recorded = context.records?.ownerOf('exec', target);
      if (recorded !== undefined) return recorded === context.account.name ? '' : `${action}: exec instance ${target} is not yours`;
      const container = await context.docker.execContainer(target);
      return container ? ownContainerProblem(container, context, action) : `${action}: no exec instance ${target}`;
    }
    case 'volume':
      return ownVolumeProblem(target, context, action);
    case 'network': {
      if (action === 'network.inspect') {
        // A network that does not exist is dockerd's to answer (404): compose asks before it creates.
        return (await context.docker.network(target)) ? ownNetworkProblem(target, context, action) : '';
      }
      if (action === 'network.connect' || action === 'network.disconnect') return ownNetworkProblem(target, context, action);
      // Removing needs the network to be the user's own, not merely shared with them.
      const info = await context.docker.network(target);
      if (!info) return '';
      const owner = context.records?.ownerOf('network', info.id) ?? info.labels['dockauth.owner'];
      return owner === context.account.name ? '' : `${action}: network "${target}" is not yours`;
    }
    default:
      return '';
  }
}
